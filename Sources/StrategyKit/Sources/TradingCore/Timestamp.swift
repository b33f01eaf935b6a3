/// A point in time as nanoseconds since 1970-01-01T00:00:00Z. OKX sends milliseconds; the
/// finer unit keeps receive times and latencies exact.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanosecondsSinceEpoch: Int64

    @inlinable public init(nanosecondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = nanosecondsSinceEpoch }
    @inlinable public init(millisecondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = millisecondsSinceEpoch &* 1_000_000 }

    /// Whole milliseconds since the epoch, rounded toward the past (so instants before 1970
    /// land in the millisecond they belong to, like ``utcDayNumber``).
    @inlinable public var millisecondsSinceEpoch: Int64 { Self.floorDivide(nanosecondsSinceEpoch, 1_000_000) }
    /// Whole microseconds since the epoch, rounded toward the past.
    @inlinable public var microsecondsSinceEpoch: Int64 { Self.floorDivide(nanosecondsSinceEpoch, 1_000) }

    @inlinable static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// Parses OKX's millisecond text (`"ts":"1652459199958"`): digits only, nil when empty,
    /// malformed, or beyond the representable range (year 2262).
    public init?(millisecondsText text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Timestamp.parseMilliseconds($0) }) else { return nil }
        self = parsed
    }

    /// Parses millisecond digits from UTF-8 bytes without allocating; nil when empty,
    /// malformed, or out of range.
    public static func parseMilliseconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var milliseconds: Int64 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            milliseconds = milliseconds &* 10 &+ Int64(digit)
        }
        let (nanoseconds, overflow) = milliseconds.multipliedReportingOverflow(by: 1_000_000)
        guard milliseconds >= 0, !overflow else { return nil }
        return Timestamp(nanosecondsSinceEpoch: nanoseconds)
    }

    public static let zero = Timestamp(nanosecondsSinceEpoch: 0)
    @inlinable public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }

    /// `self + nanoseconds`.
    @inlinable public func advanced(byNanoseconds nanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ nanoseconds)
    }

    /// `self + milliseconds`.
    @inlinable public func advanced(byMilliseconds milliseconds: Int64) -> Timestamp {
        advanced(byNanoseconds: milliseconds &* 1_000_000)
    }

    /// Nanoseconds from `other` to `self` (positive when `self` is later).
    @inlinable public func nanoseconds(since other: Timestamp) -> Int64 { nanosecondsSinceEpoch &- other.nanosecondsSinceEpoch }

    /// The UTC day this instant falls on, as days since 1970-01-01.
    @inlinable public var utcDayNumber: Int64 {
        let day: Int64 = 86_400_000_000_000
        return nanosecondsSinceEpoch >= 0 ? nanosecondsSinceEpoch / day : (nanosecondsSinceEpoch - day + 1) / day
    }

    /// 00:00:00 UTC of this instant's day.
    @inlinable public var startOfUTCDay: Timestamp { Timestamp(nanosecondsSinceEpoch: utcDayNumber * 86_400_000_000_000) }

    /// ISO 8601 text in UTC with millisecond precision, e.g. `2022-05-13T16:26:39.958Z`.
    public var description: String {
        let (year, month, day) = Self.civilDate(daysSinceEpoch: utcDayNumber)
        let nanosOfDay = nanosecondsSinceEpoch - utcDayNumber * 86_400_000_000_000
        let millis = nanosOfDay / 1_000_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(millis / 3_600_000, 2)):\(pad(millis / 60_000 % 60, 2)):\(pad(millis / 1000 % 60, 2)).\(pad(millis % 1000, 3))Z"
    }

    /// Gregorian (year, month, day) of a day number (Howard Hinnant's civil_from_days).
    public static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
