import Foundation
import TradingCore

/// Parses the views' command-line values (times, modes, statuses, intervals, counts), refusing
/// bad input with a `ViewOptionError` naming the option.
public enum ViewOptions {
    /// A time given as ISO 8601 (`2026-11-25T14:00:00Z`, with optional fractional seconds or a
    /// UTC offset, or a bare date `2026-11-25` meaning its UTC midnight) or as epoch milliseconds.
    public static func time(_ text: String, option: String) throws(ViewOptionError) -> Timestamp {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.first == "-" ? trimmed.dropFirst() : Substring(trimmed)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let millis = Int64(trimmed), let time = timestamp(milliseconds: millis) else {
                throw ViewOptionError(option: option, value: text, reason: outOfRange)
            }
            return time
        }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        dateOnly.timeZone = TimeZone(identifier: "UTC")
        let candidates = [withFraction, plain]
        var parsed = candidates.lazy.compactMap { $0.date(from: trimmed) }.first
        if parsed == nil, trimmed.count == 10 { parsed = dateOnly.date(from: trimmed) }
        if let parsed {
            let millis = (parsed.timeIntervalSince1970 * 1_000).rounded()
            guard millis.magnitude < 9e12, let time = timestamp(milliseconds: Int64(millis)) else {
                throw ViewOptionError(option: option, value: text, reason: outOfRange)
            }
            return time
        }
        throw ViewOptionError(option: option, value: text,
                              reason: "not a time: give ISO 8601 (2026-11-25T14:00:00Z, 2026-11-25T14:00:00.250+01:00, 2026-11-25) or epoch milliseconds (1795615200000)")
    }

    /// A `[from, to)` range; `from` must be before `to`.
    public static func range(from: String?, to: String?, defaultFrom: Timestamp?, defaultTo: Timestamp?) throws(ViewOptionError) -> (from: Timestamp?, to: Timestamp?) {
        let start = try from.map { text throws(ViewOptionError) in try time(text, option: "--from") } ?? defaultFrom
        let end = try to.map { text throws(ViewOptionError) in try time(text, option: "--to") } ?? defaultTo
        if let start, let end, start >= end {
            throw ViewOptionError(option: "--from", value: from ?? start.description, reason: "must be before --to (\(end))")
        }
        return (start, end)
    }

    /// live, demo, paper or replay.
    public static func mode(_ text: String, option: String = "--mode") throws(ViewOptionError) -> TradingMode {
        guard let mode = TradingMode(rawValue: text.lowercased()) else {
            throw ViewOptionError(option: option, value: text, reason: "must be one of \(TradingMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }

    /// Order statuses, comma-separated, as stored in trades.status.
    public static func statuses(_ text: String, option: String = "--status") throws(ViewOptionError) -> [OrderStatus] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if names.isEmpty { throw ViewOptionError(option: option, value: text, reason: "must name at least one status") }
        return try names.map { name throws(ViewOptionError) in
            guard let status = OrderStatus(rawValue: name) else {
                throw ViewOptionError(option: option, value: text,
                                      reason: "'\(name)' is not a status; use \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
    }

    /// A positive count no larger than `maximum`.
    public static func count(_ value: Int, option: String, maximum: Int) throws(ViewOptionError) -> Int {
        guard value >= 1, value <= maximum else {
            throw ViewOptionError(option: option, value: String(value), reason: "must be between 1 and \(maximum)")
        }
        return value
    }

    /// The current wall-clock time.
    public static func now() -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) * 1_000)
    }

    /// Times are nanoseconds in 64 bits (years 1677 to 2262); the views take ±9e12 ms (years
    /// 1685 to 2255), so that arithmetic on a bound cannot overflow either.
    static func timestamp(milliseconds: Int64) -> Timestamp? {
        guard milliseconds.magnitude < 9_000_000_000_000 else { return nil }
        return Timestamp(millisecondsSinceEpoch: milliseconds)
    }

    static let outOfRange = "outside the times the runtime can represent (years 1685 to 2255)"
}
