import Foundation

/// The dates `--from` and `--to` take, and how times are shown: UTC always.
public enum HistoryDate {
    /// `2024-01-01` (midnight UTC), `2024-01-01T12:30`, `2024-01-01T12:30:15`, each optionally
    /// ending in `Z`, or milliseconds since the epoch. Nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        if !text.isEmpty, text.allSatisfy(\.isNumber), text.count >= 12, let milliseconds = Int64(text) { return milliseconds }
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        let parts = body.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
              let year = Int(date[0]), let month = Int(date[1]), let day = Int(date[2]) else { return nil }
        var hour = 0, minute = 0, second = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard time.count == 2 || time.count == 3, time.allSatisfy({ $0.count == 2 }),
                  let h = Int(time[0]), let m = Int(time[1]) else { return nil }
            hour = h; minute = m
            if time.count == 3 { guard let s = Int(time[2]) else { return nil }; second = s }
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        // Calendar would roll 2024-02-30 over into March; a date that does not exist is refused.
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `2024-01-01T00:00:00Z` for a time in milliseconds.
    public static func text(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
