import Foundation
import RuntimeHost
import Storage
import TradingCore

/// Risk events, newest first, filtered by severity and acknowledgement, each acknowledgeable.
struct RiskPage: Sendable {
    struct Event: Sendable {
        var id: Int64
        var time: String
        var severity: String
        var type: String
        var strategy: String
        var symbol: String
        var description: String
        var metric: String
        var acknowledged: Bool
        var acknowledgedAt: String
        var csrf: String
    }

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var riskEvents: [Event]
    var severities: [Option]
    var acknowledgement: [Option]
    var csrf: String

    init(rows: [(event: RiskEventRecord, strategy: StrategyName?)], filter: RiskFilter, csrf: String) {
        riskEvents = rows.map { Self.event($0.event, strategy: $0.strategy, csrf: csrf) }
        severities = [Option(value: "", label: "any severity", selected: filter.severity == nil)]
            + RiskSeverity.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: filter.severity == $0) }
        acknowledgement = [("", "all", nil), ("no", "unacknowledged", false), ("yes", "acknowledged", true)].map {
            Option(value: $0.0, label: $0.1, selected: filter.acknowledged == $0.2)
        }
        self.csrf = csrf
    }

    static func event(_ event: RiskEventRecord, strategy: StrategyName?, csrf: String) -> Event {
        let metric = [event.metricName, event.metricValue.map { Display.amount($0) },
                      event.thresholdValue.map { "limit \(Display.amount($0))" }].compactMap { $0 }.joined(separator: " ")
        return Event(id: event.id ?? 0, time: Display.time(event.createdAt), severity: event.severity.rawValue, type: event.eventType,
                     strategy: strategy?.rawValue ?? "", symbol: event.symbol ?? "", description: event.description, metric: metric,
                     acknowledged: event.acknowledged, acknowledgedAt: Display.time(event.acknowledgedAt), csrf: csrf)
    }
}

/// The risk page's query: `severity` (one of RiskSeverity) and `acknowledged` (yes or no).
struct RiskFilter: Sendable, Hashable {
    var severity: RiskSeverity?
    var acknowledged: Bool?

    /// Parses the query parameters.
    /// - Throws: ``ConsoleError/invalidArgument(field:reason:)`` naming the parameter.
    init(severity: String?, acknowledged: String?) throws(ConsoleError) {
        switch severity ?? "" {
        case "": self.severity = nil
        case let text:
            guard let value = RiskSeverity(rawValue: text) else {
                throw .invalidArgument(field: "severity", reason: "must be one of \(RiskSeverity.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            self.severity = value
        }
        switch acknowledged ?? "" {
        case "": self.acknowledged = nil
        case "yes": self.acknowledged = true
        case "no": self.acknowledged = false
        case let text: throw .invalidArgument(field: "acknowledged", reason: "must be yes or no, not '\(text)'")
        }
    }
}
