import ArgumentParser
import Foundation
import RuntimeHost
import Storage
import TradingCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show database, hosts, strategies, positions, data quality and writer health.",
        discussion: """
            Reads the database only, so it works whether or not a host is running. A host that has not stopped and \
            whose heartbeat is older than 15 s shows as DOWN. "Today" is the current UTC day. Exits with status 2 \
            when the database cannot be reached.
            """
    )

    @Flag(name: .long, help: "Also show the strategies in status backtesting (one per combination of each `runtime sweep --persist`), hidden by default.")
    var backtesting = false

    @Flag(name: .long, help: "Print one JSON object (amounts as decimal strings).")
    var json = false

    func run() async throws {
        var report = try await ViewCommandSupport.withDatabase(json: json) { target, client in
            try await StatusReader(client, target: target.description).read()
        }
        let hidden = backtesting ? 0 : report.leaveOutBacktestingStrategies()
        if json {
            print(report.json.jsonText)
            return
        }
        print(Self.render(report, hiddenBacktesting: hidden))
    }

    /// The text report; `hiddenBacktesting` strategies were left out of it.
    static func render(_ report: StatusReport, hiddenBacktesting: Int) -> String {
        var out: [String] = []
        let db = report.database
        out.append("database  reachable  \(db.flavor?.rawValue ?? "not migrated")  PostgreSQL \(db.serverVersion)"
                   + (db.timescaleVersion.map { "  TimescaleDB \($0)" } ?? "") + "  \(db.target)")
        out.append("as of     \(report.generatedAt) (today = UTC day \(report.generatedAt.description.prefix(10)))")

        out.append("\nHOSTS")
        if report.hosts.isEmpty {
            out.append("no host has run in the last 24 h (start one with `runtime run`)")
        } else {
            var table = TextTable("HOST", "PID", "MODE", "STATE", "STARTED", "LAST HEARTBEAT", "AGE", "FEED", "LAG MS", "MSG/S", "RECONNECTS", "STRATEGIES")
            for host in report.hosts {
                let r = host.record
                table.add(row: [r.hostName, r.processId.map(String.init) ?? "-", r.mode.rawValue, host.liveness.rawValue,
                                r.startedAt.description, r.lastHeartbeat.description, Self.age(host.heartbeatAgeMs),
                                r.feedConnected ? "connected" : "disconnected", r.feedLagMs.map(String.init) ?? "-",
                                ViewCommandSupport.cell(r.messageRate), String(r.reconnects), r.strategies.joined(separator: ",")])
            }
            out.append(table.render())
        }

        out.append("\nSTRATEGIES (today, UTC)")
        if report.strategies.isEmpty {
            out.append("no strategy deployed (see `runtime deploy`)")
        } else {
            var table = TextTable("STRATEGY", "STATUS", "MODE", "INSTRUMENTS", "TRADES TODAY", "REALIZED TODAY", "UNREALIZED", "OPEN POS", "UNACKED RISK")
            for s in report.strategies {
                let todayText = s.today.isEmpty ? "0" : s.today.map { "\($0.tradeCount) \($0.mode.rawValue)" }.joined(separator: ", ")
                let realizedText = s.today.isEmpty ? "0" : s.today.map { "\($0.realizedPnl) \($0.mode.rawValue)" }.joined(separator: ", ")
                // Positions per mode too: a replay's position is not the paper account's.
                let modes = TradingMode.allCases.filter { mode in s.positions.contains { $0.mode == mode } }
                let unrealizedText = modes.isEmpty ? "0" : modes.map { "\(s.unrealizedPnl(mode: $0)) \($0.rawValue)" }.joined(separator: ", ")
                let openText = modes.isEmpty ? "0" : modes.map { mode in "\(s.positions.count { $0.mode == mode }) \(mode.rawValue)" }
                    .joined(separator: ", ")
                table.add(row: [s.name, s.status.rawValue, s.mode?.rawValue ?? "-", s.instruments.joined(separator: ","),
                                todayText, realizedText, unrealizedText, openText, String(s.unacknowledgedRiskEvents)])
            }
            out.append(table.render())
            let positions = report.strategies.flatMap { s in s.positions.map { (s.name, $0) } }
            if !positions.isEmpty {
                out.append("\nOPEN POSITIONS")
                var table = TextTable("STRATEGY", "MODE", "INSTRUMENT", "SIDE", "QUANTITY", "AVG ENTRY", "PRICE", "UNREALIZED", "REALIZED")
                for (name, p) in positions {
                    table.add(row: [name, p.mode.rawValue, p.instrument.symbol, p.side.rawValue, p.quantity.description,
                                    p.avgEntryPrice.description, ViewCommandSupport.cell(p.currentPrice?.value),
                                    p.unrealizedPnl.description, p.realizedPnl.description])
                }
                out.append(table.render())
            }
        }
        if hiddenBacktesting > 0 {
            out.append(StatusReport.backtestingLeftOut(hiddenBacktesting) + ": --backtesting shows them")
        }
        if report.unacknowledgedGlobalRiskEvents > 0 {
            out.append("\n\(report.unacknowledgedGlobalRiskEvents) unacknowledged risk event(s) not tied to a strategy (see `runtime risk`)")
        }

        out.append("\nDATA QUALITY (today, UTC)")
        if report.dataQuality.isEmpty {
            out.append("no data-quality counters written today")
        } else {
            var table = TextTable("INSTRUMENT", "COUNTER", "REASON", "TOTAL")
            for total in report.dataQuality {
                table.add(row: [total.instrument ?? "(all)", total.name, total.reason ?? "-", total.total.description])
            }
            out.append(table.render())
        }

        out.append("\nWRITERS (latest sample)")
        if report.writer.isEmpty {
            out.append("no writer metrics in the last 24 h")
        } else {
            var table = TextTable("METRIC", "VALUE", "UNIT", "TAGS", "AT")
            for metric in report.writer {
                table.add(row: [metric.name, metric.value.description, metric.unit ?? "-", metric.tags == "{}" ? "-" : metric.tags,
                                metric.timestamp.description])
            }
            out.append(table.render())
        }
        return out.joined(separator: "\n")
    }

    static func age(_ milliseconds: Int64) -> String {
        switch milliseconds {
        case ..<1_000: "\(milliseconds)ms"
        case ..<120_000: "\(milliseconds / 1_000)s"
        case ..<7_200_000: "\(milliseconds / 60_000)m"
        default: "\(milliseconds / 3_600_000)h"
        }
    }
}
