import Foundation
import Storage
import TradingCore

/// Assembles a `StatusReport` from the database: hosts and their liveness, strategies with
/// positions, today's figures and unacknowledged risk events, data quality and writer health.
public struct StatusReader: Sendable {
    let session: any DatabaseSession
    let target: String
    let staleAfterNanoseconds: Int64

    /// Reads through `session`; `target` is how the report names the database (no password).
    public init(_ session: any DatabaseSession, target: String, staleAfterNanoseconds: Int64 = HostLiveness.defaultStaleAfterNanoseconds) {
        self.session = session; self.target = target; self.staleAfterNanoseconds = staleAfterNanoseconds
    }

    /// The data-quality metric category the host writes.
    public static let dataQualityCategory = "data_quality"
    /// The writer metric category the host writes.
    public static let writerCategory = "writer"

    /// The report as of `now` (today = now's UTC day). Stopped hosts are listed for a day.
    public func read(now: Timestamp = ViewOptions.now()) async throws(StorageError) -> StatusReport {
        let day: Int64 = 86_400_000_000_000
        let startOfDay = now.startOfUTCDay
        let endOfDay = startOfDay.advanced(byNanoseconds: day)
        let info = try await StorageMaintenance(session).databaseInfo()
        let hostRecords = try await HostRepository(session).hosts(stoppedSince: now.advanced(byNanoseconds: -day))
        let hosts = hostRecords.map { record in
            StatusReport.Host(record: record, liveness: HostLiveness.of(record, now: now, staleAfterNanoseconds: staleAfterNanoseconds),
                              heartbeatAgeMs: max(0, now.nanoseconds(since: record.lastHeartbeat) / 1_000_000))
        }
        let overviews = try await StrategyRepository(session).overview()
        let positions = try await PositionRepository(session).positions().filter { $0.quantity.value.isPositive }
        let activity = try await TradeRepository(session).activity(from: startOfDay, to: endOfDay)
        let unacknowledged = try await RiskEventRepository(session).unacknowledgedCounts()
        let strategies = overviews.map { overview in
            let runningHost = hosts.first { $0.liveness == .running && $0.record.strategies.contains(overview.name) }
            return StatusReport.Strategy(
                id: overview.id, name: overview.name, status: overview.status,
                mode: runningHost?.record.mode ?? overview.deployedMode ?? (overview.status == .paperTrading ? .paper : nil),
                instruments: overview.symbols, positions: positions.filter { $0.strategyId == overview.id },
                today: activity.filter { $0.strategyId == overview.id },
                unacknowledgedRiskEvents: unacknowledged[overview.id] ?? 0)
        }
        let metrics = SystemMetricRepository(session)
        return StatusReport(
            generatedAt: now,
            database: .init(target: target, flavor: info.flavor, serverVersion: info.serverVersion, timescaleVersion: info.timescaleVersion),
            hosts: hosts, strategies: strategies, unacknowledgedGlobalRiskEvents: unacknowledged[nil] ?? 0,
            dataQuality: try await metrics.totals(category: Self.dataQualityCategory, from: startOfDay, to: endOfDay),
            writer: try await metrics.latest(category: Self.writerCategory, since: now.advanced(byNanoseconds: -day)))
    }
}
