import TradingCore

/// The period equity is read at to compute period returns (Sharpe, Sortino).
///
/// Crypto trades every day of the year, so a year has 365 days, 8,760 hours, 525,600 minutes.
public enum ReturnPeriod: String, Sendable, Hashable, CaseIterable, Codable {
    case day, hour, minute

    /// The period's length.
    public var nanoseconds: Int64 {
        switch self {
        case .day: 86_400_000_000_000
        case .hour: 3_600_000_000_000
        case .minute: 60_000_000_000
        }
    }

    /// Periods in a year of 365 days: the annualization factor is its square root.
    public var periodsPerYear: Double {
        switch self {
        case .day: 365
        case .hour: 8_760
        case .minute: 525_600
        }
    }

    /// The returns the statistics need at least before a longer period is chosen.
    public static let minimumReturns: Int64 = 30

    /// The longest period that gives at least ``minimumReturns`` returns over `span`
    /// nanoseconds (a day for a month of data, an hour for two days, a minute below that).
    /// Why not always daily: a replay of a few hours has no daily returns at all.
    public static func fitting(span: Int64) -> ReturnPeriod {
        for period in [ReturnPeriod.day, .hour] where span / period.nanoseconds >= minimumReturns { return period }
        return .minute
    }
}
