import TradingCore

/// Equity changes by calendar period (UTC): the daily PnL bars and the monthly returns table.
public enum CalendarReturns {
    /// One UTC day's change of equity.
    public struct Day: Hashable, Sendable {
        /// Days since 1970-01-01.
        public var dayNumber: Int64
        /// `E(end of day) − E(end of the day before)`, the first day from the series' first point;
        /// realized and unrealized, after fees.
        public var pnl: Money
        /// `yyyy-mm-dd`.
        public var label: String
    }

    /// One calendar month's return.
    public struct Month: Hashable, Sendable {
        public var year: Int64
        /// 1 to 12.
        public var month: Int64
        /// `E(end of month) / E(end of the month before) − 1`, the first month from the series'
        /// first point; nil when that base is not positive.
        public var change: Double?
    }

    /// The days of the series, each with its PnL, in order (days without a point are left out:
    /// nothing changed then).
    public static func days(_ equity: [EquityPoint]) -> [Day] {
        periods(equity) { $0.utcDayNumber }.map { key, base, close in
            Day(dayNumber: key, pnl: close - base, label: label(day: key))
        }
    }

    /// The months of the series, each with its return, in order.
    public static func months(_ equity: [EquityPoint]) -> [Month] {
        periods(equity) { time in
            let (year, month, _) = Timestamp.civilDate(daysSinceEpoch: time.utcDayNumber)
            return year * 12 + (month - 1)
        }.map { key, base, close in
            let baseValue = base.value.doubleValue
            return Month(year: key / 12, month: key % 12 + 1, change: baseValue > 0 ? close.value.doubleValue / baseValue - 1 : nil)
        }
    }

    /// Groups the series by `key` (increasing with time): each group's base (the close of the
    /// group before, or the series' first equity) and close (its last equity).
    static func periods(_ equity: [EquityPoint], key: (Timestamp) -> Int64) -> [(Int64, Money, Money)] {
        guard let first = equity.first else { return [] }
        var result: [(Int64, Money, Money)] = []
        var base = first.equity
        for point in equity {
            let current = key(point.time)
            if let last = result.last, last.0 == current {
                result[result.count - 1].2 = point.equity
            } else {
                if let last = result.last { base = last.2 }
                result.append((current, base, point.equity))
            }
        }
        return result
    }

    /// `yyyy-mm-dd` of a day number.
    public static func label(day: Int64) -> String {
        let (year, month, dayOfMonth) = Timestamp.civilDate(daysSinceEpoch: day)
        return "\(year)-\(pad(month))-\(pad(dayOfMonth))"
    }

    static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
