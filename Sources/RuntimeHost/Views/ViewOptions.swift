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
            guard let millis = Int64(trimmed), millis > -9_000_000_000_000, millis < 9_000_000_000_000 else {
                throw ViewOptionError(option: option, value: text, reason: "epoch milliseconds out of range")
            }
            return Timestamp(millisecondsSinceEpoch: millis)
        }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        dateOnly.timeZone = TimeZone(identifier: "UTC")
        let candidates = [withFraction, plain]
        for formatter in candidates {
            if let date = formatter.date(from: trimmed) { return timestamp(date) }
        }
        if trimmed.count == 10, let date = dateOnly.date(from: trimmed) { return timestamp(date) }
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

    /// live, paper or replay.
    public static func mode(_ text: String, option: String = "--mode") throws(ViewOptionError) -> TradingMode {
        guard let mode = TradingMode(rawValue: text.lowercased()) else {
            throw ViewOptionError(option: option, value: text, reason: "must be one of live, paper, replay")
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

    static func timestamp(_ date: Date) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1_000).rounded()) * 1_000_000)
    }
}
