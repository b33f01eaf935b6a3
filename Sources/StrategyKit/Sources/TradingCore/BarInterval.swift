/// The length of a time bar, as a manifest's `bars: {interval: ...}` writes it.
///
/// Text form: a whole count and a unit, `ms` (milliseconds), `s` (seconds), `m` (minutes), `H`
/// (hours, `h` accepted) or `D` (days, `d` accepted): `250ms`, `1s`, `5s`, `1m`, `5m`, `15m`,
/// `1H`, `4H`, `1D`. `M` is refused: OKX writes months that way. The length must divide a UTC day
/// evenly (so `7m` is refused), between one millisecond and one day: bars are aligned on multiples
/// of the interval since the Unix epoch, so every UTC day's bars start at 00:00:00.000 and a `1H`
/// bar always covers a whole clock hour.
public struct BarInterval: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in nanoseconds (positive, divides one day).
    public let nanoseconds: Int64

    /// One day in nanoseconds: the longest interval, and the one every interval divides.
    public static let dayNanoseconds: Int64 = 86_400_000_000_000
    /// One day (`1D`), the longest interval.
    public static let day = BarInterval(uncheckedNanoseconds: dayNanoseconds)

    private init(uncheckedNanoseconds: Int64) { nanoseconds = uncheckedNanoseconds }

    /// Creates an interval of `nanoseconds`, or nil unless it is a whole number of milliseconds
    /// from one millisecond to one day that divides a day evenly.
    public init?(nanoseconds: Int64) {
        guard nanoseconds >= 1_000_000, nanoseconds <= Self.dayNanoseconds, nanoseconds % 1_000_000 == 0,
              Self.dayNanoseconds % nanoseconds == 0 else { return nil }
        self.nanoseconds = nanoseconds
    }

    /// Parses the text form (`1s`, `5m`, `1H`, ...; see the type's documentation).
    /// - Throws: ``BarIntervalError`` saying what is wrong and what is expected.
    public init(parsing text: String) throws(BarIntervalError) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = text.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 9, let count = Int64(digits) else {
            throw BarIntervalError(text: text, reason: "expected a whole count and a unit, e.g. 1s, 5s, 1m, 5m, 15m, 1H, 4H, 1D")
        }
        let unitNanoseconds: Int64
        switch unit {
        case "ms": unitNanoseconds = 1_000_000
        case "s": unitNanoseconds = 1_000_000_000
        case "m": unitNanoseconds = 60_000_000_000
        case "H", "h": unitNanoseconds = 3_600_000_000_000
        case "D", "d": unitNanoseconds = Self.dayNanoseconds
        case "M":
            throw BarIntervalError(text: text, reason: "M is a month in OKX's notation; write minutes as m (e.g. 5m)")
        default:
            throw BarIntervalError(text: text, reason: "'\(unit)' is not a unit (ms, s, m, H or D)")
        }
        guard count >= 1 else { throw BarIntervalError(text: text, reason: "the count must be at least 1") }
        let (total, overflow) = count.multipliedReportingOverflow(by: unitNanoseconds)
        guard !overflow, total <= Self.dayNanoseconds else {
            throw BarIntervalError(text: text, reason: "bars are at most one day (1D) long")
        }
        guard let interval = BarInterval(nanoseconds: total) else {
            throw BarIntervalError(text: text, reason: "must divide a day evenly so every day's bars start at 00:00 UTC (e.g. 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m, 1H, 2H, 3H, 4H, 6H, 8H, 12H, 1D)")
        }
        self = interval
    }

    /// The length in seconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// The start of the bar holding `time`: the latest multiple of the interval at or before it.
    @inlinable public func start(of time: Timestamp) -> Timestamp {
        let remainder = time.nanosecondsSinceEpoch % nanoseconds
        return Timestamp(nanosecondsSinceEpoch: time.nanosecondsSinceEpoch - (remainder < 0 ? remainder + nanoseconds : remainder))
    }

    /// The canonical text form, in the largest unit that divides it: `1m` for 60 s, `1H`, `1500ms`.
    public var description: String {
        for (unit, size) in [("D", Self.dayNanoseconds), ("H", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000)]
        where nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(unit)"
        }
        return "\(nanoseconds / 1_000_000)ms"
    }

    /// Shorter intervals first.
    public static func < (lhs: BarInterval, rhs: BarInterval) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

/// Why a bar interval's text was refused.
public struct BarIntervalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The refused text.
    public var text: String
    /// What is wrong and what is expected.
    public var reason: String

    /// Creates the error.
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// `'7m' is not a bar interval: <reason>`.
    public var description: String { "'\(text)' is not a bar interval: \(reason)" }
}
