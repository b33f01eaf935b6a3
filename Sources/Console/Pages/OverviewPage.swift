import Foundation
import RuntimeHost
import Storage
import TradingCore

/// The overview: hosts and the feed, strategies with state, today's PnL and position, data
/// quality and writer queues; all from ``StatusReader``, the same report as `runtime status`.
struct OverviewPage: Sendable {
    struct Host: Sendable {
        var name: String
        var mode: String
        var state: String
        var stateClass: String
        var heartbeatAge: String
        var feed: String
        var feedClass: String
        var lagMs: String
        var messageRate: String
        var reconnects: String
        var strategies: String
    }

    struct Strategy: Sendable {
        var name: String
        var path: String
        var status: String
        var statusClass: String
        var mode: String
        var instruments: String
        var position: String
        var realizedToday: String
        var realizedClass: String
        var unrealized: String
        var unrealizedClass: String
        var tradesToday: Int
        var unacknowledged: Int
        var hasEvents: Bool
        var canPause: Bool
        var canResume: Bool
        var csrf: String
    }

    struct Counter: Sendable {
        var name: String
        var detail: String
        var value: String
    }

    var generatedAt: String
    var database: String
    var hosts: [Host]
    var noHosts: Bool
    var strategies: [Strategy]
    var noStrategies: Bool
    /// What the table leaves out: the backtesting strategies of persisted sweeps.
    var hiddenBacktesting: String
    var hasHiddenBacktesting: Bool
    var unacknowledgedGlobal: Int
    var hasGlobalEvents: Bool
    var dataQuality: [Counter]
    var writer: [Counter]
    var csrf: String

    init(report: StatusReport, csrf: String) {
        // A persisted sweep leaves a strategy per combination; they would bury what hosts run.
        var report = report
        let hidden = report.leaveOutBacktestingStrategies()
        hiddenBacktesting = StatusReport.backtestingLeftOut(hidden)
        hasHiddenBacktesting = hidden > 0
        generatedAt = Display.time(report.generatedAt)
        database = [report.database.target, report.database.flavor?.rawValue].compactMap { $0 }.joined(separator: " · ")
        hosts = report.hosts.map { host in
            let record = host.record
            return Host(name: record.hostName + (record.processId.map { " (pid \($0))" } ?? ""), mode: record.mode.rawValue,
                        state: host.liveness.rawValue, stateClass: host.liveness == .running ? "trading" : host.liveness == .down ? "halted" : "idle",
                        heartbeatAge: String(format: "%.1f s", Double(host.heartbeatAgeMs) / 1000),
                        feed: record.feedConnected ? "connected" : "disconnected", feedClass: record.feedConnected ? "trading" : "halted",
                        lagMs: record.feedLagMs.map { "\($0) ms" } ?? "", messageRate: record.messageRate.map { "\(Display.amount($0))/s" } ?? "",
                        reconnects: String(record.reconnects), strategies: record.strategies.joined(separator: ", "))
        }
        noHosts = hosts.isEmpty
        strategies = report.strategies.map { strategy in
            let realized = strategy.realizedPnlToday(mode: strategy.ownMode)
            let unrealized = strategy.unrealizedPnl(mode: strategy.ownMode)
            let position = strategy.positions.filter { $0.mode == strategy.ownMode }
                .map { "\($0.side.rawValue) \($0.quantity) \($0.instrument.symbol)" }.joined(separator: ", ")
            return Strategy(
                name: strategy.name, path: "/strategies/" + (strategy.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? strategy.name),
                status: strategy.status.rawValue, statusClass: Display.statusClass(strategy.status), mode: strategy.mode?.rawValue ?? "",
                instruments: strategy.instruments.joined(separator: ", "), position: position.isEmpty ? "flat" : position,
                realizedToday: Display.money(realized), realizedClass: Display.sign(realized.value),
                unrealized: Display.money(unrealized), unrealizedClass: Display.sign(unrealized.value),
                tradesToday: strategy.tradeCountToday(mode: strategy.ownMode), unacknowledged: strategy.unacknowledgedRiskEvents,
                hasEvents: strategy.unacknowledgedRiskEvents > 0,
                canPause: [.active, .paperTrading, .reducingOnly].contains(strategy.status),
                canResume: [.paused, .halted, .reducingOnly].contains(strategy.status), csrf: csrf)
        }
        noStrategies = strategies.isEmpty
        unacknowledgedGlobal = report.unacknowledgedGlobalRiskEvents
        hasGlobalEvents = unacknowledgedGlobal > 0
        dataQuality = report.dataQuality.map {
            Counter(name: $0.name, detail: [$0.instrument, $0.reason].compactMap { $0 }.joined(separator: " · "), value: Display.amount($0.total))
        }
        writer = report.writer.map { Counter(name: $0.name, detail: $0.unit ?? "", value: Display.amount($0.value)) }
        self.csrf = csrf
    }
}
