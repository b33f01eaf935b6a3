import Charts
import Foundation
import TradingCore

/// Escaping and number formats for the HTML reports.
enum HTMLText {
    /// `text` safe inside an element or a quoted attribute (XML's escaping is HTML's too).
    static func escape(_ text: String) -> String { SVGText.escape(text) }

    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "–" }
        return String(format: "%.2f %%", fraction * 100)
    }

    static func ratio(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.2f", value)
    }

    static func amount(_ value: Money?) -> String {
        guard let value else { return "–" }
        return String(format: "%.2f", value.value.doubleValue)
    }

    /// `3d 4h 12m`, `5m 30s`.
    static func duration(nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let (days, hours, minutes, rest) = (seconds / 86_400, seconds % 86_400 / 3_600, seconds % 3_600 / 60, seconds % 60)
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return "\(minutes)m \(rest)s"
    }

    /// `2024-08-08 23:54:01` (UTC).
    static func time(_ time: Timestamp) -> String {
        String(time.description.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}
