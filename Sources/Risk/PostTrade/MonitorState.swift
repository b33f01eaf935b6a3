import TradingCore

/// What the post-trade monitors remember about one strategy. Codable so the host can persist
/// it with the strategy and restore it after a restart (peak equity must survive a restart,
/// or a drawdown would silently reset).
public struct MonitorState: Sendable, Hashable, Codable {
    /// The UTC day (days since 1970-01-01) `dayOpenEquity` belongs to.
    public var utcDay: Int64?
    /// Equity at 00:00 UTC of `utcDay` (the last value seen before the day began).
    public var dayOpenEquity: Money?
    /// The latest equity (realized + unrealized, marked to market).
    public var lastEquity: Money?
    /// The highest equity seen.
    public var peakEquity: Money?
    /// Closed trades in a row with a negative realized PnL.
    public var consecutiveLosses: Int

    /// Creates a monitor state; all empty for a fresh strategy.
    public init(utcDay: Int64? = nil, dayOpenEquity: Money? = nil, lastEquity: Money? = nil,
                peakEquity: Money? = nil, consecutiveLosses: Int = 0) {
        self.utcDay = utcDay
        self.dayOpenEquity = dayOpenEquity
        self.lastEquity = lastEquity
        self.peakEquity = peakEquity
        self.consecutiveLosses = consecutiveLosses
    }

    private enum CodingKeys: String, CodingKey {
        case utcDay = "utc_day", dayOpenEquity = "day_open_equity", lastEquity = "last_equity"
        case peakEquity = "peak_equity", consecutiveLosses = "consecutive_losses"
    }

    /// Amounts are decimal strings, so they survive JSON exactly.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func money(_ key: CodingKeys) throws -> Money? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            do { return try Money(parsing: text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "'\(text)' is not a decimal amount: \(error)")
            }
        }
        utcDay = try container.decodeIfPresent(Int64.self, forKey: .utcDay)
        dayOpenEquity = try money(.dayOpenEquity)
        lastEquity = try money(.lastEquity)
        peakEquity = try money(.peakEquity)
        consecutiveLosses = try container.decodeIfPresent(Int.self, forKey: .consecutiveLosses) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(utcDay, forKey: .utcDay)
        try container.encodeIfPresent(dayOpenEquity?.description, forKey: .dayOpenEquity)
        try container.encodeIfPresent(lastEquity?.description, forKey: .lastEquity)
        try container.encodeIfPresent(peakEquity?.description, forKey: .peakEquity)
        try container.encode(consecutiveLosses, forKey: .consecutiveLosses)
    }

    /// Today's loss as a positive amount (zero when the day is flat or up).
    public var dailyLoss: Money {
        guard let open = dayOpenEquity, let last = lastEquity, last < open else { return .zero }
        return open - last
    }

    /// How far equity is below its peak, in percent of the peak (zero without a positive peak).
    public var drawdownPct: FixedPoint {
        guard let peak = peakEquity, peak.value.isPositive, let last = lastEquity, last < peak else { return .zero }
        return ((peak - last).value.times(100)).dividedOrZero(by: peak.value)
    }

    /// Takes a new equity observation at `time`, rolling the day at 00:00 UTC.
    mutating func observe(equity: Money, at time: Timestamp) {
        let day = time.utcDayNumber
        if utcDay != day {
            dayOpenEquity = utcDay == nil ? equity : (lastEquity ?? equity)
            utcDay = day
        }
        lastEquity = equity
        if peakEquity.map({ equity > $0 }) ?? true { peakEquity = equity }
    }
}

extension FixedPoint {
    /// `self / divisor` rounded toward zero, or zero when it cannot be computed; for reporting
    /// figures only, never for decisions.
    func dividedOrZero(by divisor: FixedPoint) -> FixedPoint {
        (try? divided(by: divisor)) ?? .zero
    }
}

/// What a strategy's persisted risk state holds, to restore the engine after a restart.
public struct StrategyRiskSnapshot: Sendable, Hashable, Codable {
    /// strategies.status: a halted strategy comes back halted.
    public var state: StrategyTradingState
    /// Daily loss, peak equity and loss-run memory: the equity marks from strategy_risk_monitors,
    /// the losing streak counted from the trades table (see HostLauncher).
    public var monitors: MonitorState

    /// Creates a snapshot.
    public init(state: StrategyTradingState, monitors: MonitorState = MonitorState()) {
        self.state = state
        self.monitors = monitors
    }
}
