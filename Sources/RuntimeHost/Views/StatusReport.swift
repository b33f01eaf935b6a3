import Foundation
import Storage
import StrategyKit
import TradingCore

/// Everything `runtime status` shows, read from the database alone (so it works whether or not a
/// host is running).
public struct StatusReport: Sendable {
    /// The database and how it was migrated.
    public struct Database: Sendable, Hashable {
        /// Where the runtime connected, without the password.
        public var target: String
        /// `postgres` or `timescaledb`, as recorded by the migrator.
        public var flavor: SchemaFlavor?
        public var serverVersion: String
        public var timescaleVersion: String?
    }

    /// One host process run.
    public struct Host: Sendable, Hashable {
        public var record: HostRecord
        public var liveness: HostLiveness
        /// Milliseconds since the last heartbeat, as of the report.
        public var heartbeatAgeMs: Int64
    }

    /// One deployed strategy and its figures.
    public struct Strategy: Sendable, Hashable {
        public var id: UUID
        public var name: String
        public var status: StrategyStatus
        /// The mode it trades in: that of a running host holding it, else the deployed one.
        public var mode: TradingMode?
        public var instruments: [String]
        /// Open positions (quantity > 0), each with its own mode.
        public var positions: [PositionRecord]
        /// Today's (UTC) trading per mode.
        public var today: [StrategyActivity]
        public var unacknowledgedRiskEvents: Int

        /// Realized PnL today over all modes of `mode` (all modes when nil).
        public func realizedPnlToday(mode: TradingMode? = nil) -> Money {
            today.filter { mode == nil || $0.mode == mode }.reduce(Money.zero) { Money($0.value + $1.realizedPnl.value) }
        }

        /// Orders with fills today in `mode` (all modes when nil).
        public func tradeCountToday(mode: TradingMode? = nil) -> Int {
            today.filter { mode == nil || $0.mode == mode }.reduce(0) { $0 + $1.tradeCount }
        }

        /// Unrealized PnL of the open positions in `mode` (all modes when nil).
        public func unrealizedPnl(mode: TradingMode? = nil) -> Money {
            positions.filter { mode == nil || $0.mode == mode }.reduce(Money.zero) { Money($0.value + $1.unrealizedPnl.value) }
        }

        /// The mode whose figures stand for the strategy where one figure is shown (the console,
        /// `unrealized_pnl` in JSON): ``mode``, else live when active and paper otherwise. A replay
        /// or sweep of the same strategy writes rows of its own mode, which must not mix into it.
        public var ownMode: TradingMode { mode ?? (status == .active ? .live : .paper) }
    }

    /// The report's time; "today" is this instant's UTC day.
    public var generatedAt: Timestamp
    public var database: Database
    public var hosts: [Host]
    public var strategies: [Strategy]
    /// Unacknowledged risk events that belong to no strategy (e.g. the global kill switch).
    public var unacknowledgedGlobalRiskEvents: Int
    /// Today's data-quality counters (events_checked/accepted/flagged/rejected) per instrument and reason.
    public var dataQuality: [MetricTotal]
    /// The newest value of each writer metric (queue depths, drops).
    public var writer: [SystemMetricRecord]

    /// Leaves out the strategies in status backtesting, with their positions, and returns how
    /// many: a persisted sweep leaves one per combination, and they would bury what hosts run.
    @discardableResult
    public mutating func leaveOutBacktestingStrategies() -> Int {
        let before = strategies.count
        strategies.removeAll { $0.status == .backtesting }
        return before - strategies.count
    }

    /// Says that `count` backtesting strategies of persisted sweeps were left out (the views
    /// that leave them out add where to find them).
    public static func backtestingLeftOut(_ count: Int) -> String {
        "\(count) backtesting strateg\(count == 1 ? "y" : "ies") of persisted sweeps not shown"
    }

    /// One JSON object; amounts are decimal strings.
    public var json: ParameterValue {
        .object([
            "generated_at": ViewJSON.time(generatedAt),
            "database": .object([
                "reachable": .bool(true), "target": .string(database.target),
                "flavor": ViewJSON.text(database.flavor?.rawValue), "server_version": .string(database.serverVersion),
                "timescaledb_version": ViewJSON.text(database.timescaleVersion),
            ]),
            "hosts": .array(hosts.map { host -> ParameterValue in
                let record = host.record
                return .object([
                    "id": .string(record.id.uuidString.lowercased()), "host_name": .string(record.hostName),
                    "process_id": record.processId.map { ParameterValue.number(String($0)) } ?? .null,
                    "mode": .string(record.mode.rawValue), "state": .string(host.liveness.rawValue),
                    "strategies": .array(record.strategies.map(ParameterValue.string)),
                    "started_at": ViewJSON.time(record.startedAt), "last_heartbeat": ViewJSON.time(record.lastHeartbeat),
                    "heartbeat_age_ms": .number(String(host.heartbeatAgeMs)), "feed_connected": .bool(record.feedConnected),
                    "feed_lag_ms": ViewJSON.count(record.feedLagMs), "message_rate": ViewJSON.amount(record.messageRate),
                    "reconnects": ViewJSON.count(record.reconnects), "stopped_at": ViewJSON.time(record.stoppedAt),
                ])
            }),
            "strategies": .array(strategies.map { strategy -> ParameterValue in
                .object([
                    "name": .string(strategy.name), "status": .string(strategy.status.rawValue),
                    "mode": ViewJSON.text(strategy.mode?.rawValue),
                    "instruments": .array(strategy.instruments.map(ParameterValue.string)),
                    "positions": .array(strategy.positions.map(PositionsView.json)),
                    "unrealized_pnl": ViewJSON.amount(strategy.unrealizedPnl(mode: strategy.ownMode).value),
                    "today": .array(strategy.today.map { activity -> ParameterValue in
                        .object([
                            "mode": .string(activity.mode.rawValue), "trades": ViewJSON.count(activity.tradeCount),
                            "realized_pnl": ViewJSON.amount(activity.realizedPnl.value),
                            "commission": ViewJSON.amount(activity.commission.value), "volume": ViewJSON.amount(activity.volume.value),
                        ])
                    }),
                    "unacknowledged_risk_events": ViewJSON.count(strategy.unacknowledgedRiskEvents),
                ])
            }),
            "unacknowledged_global_risk_events": ViewJSON.count(unacknowledgedGlobalRiskEvents),
            "data_quality": .array(dataQuality.map { total -> ParameterValue in
                .object(["name": .string(total.name), "instrument": ViewJSON.text(total.instrument),
                         "reason": ViewJSON.text(total.reason), "total": ViewJSON.amount(total.total)])
            }),
            "writer": .array(writer.map { metric -> ParameterValue in
                .object(["name": .string(metric.name), "value": ViewJSON.amount(metric.value), "unit": ViewJSON.text(metric.unit),
                         "tags": Self.tagsJSON(metric.tags), "at": ViewJSON.time(metric.timestamp)])
            }),
        ])
    }

    /// The metric's tags as a JSON object of strings.
    static func tagsJSON(_ text: String) -> ParameterValue {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return .object([:]) }
        return .object(object.mapValues { .string("\($0)") })
    }
}
