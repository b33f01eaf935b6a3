import TradingCore

/// Collects each strategy's closed trades and equity samples and rolls them up into
/// ``DailyPerformance`` rows per UTC date as event time moves on (so replays roll up too), or
/// for the open dates on shutdown.
///
/// A date is rolled up only once event time reaches its end + ``rollupDelay``, not at midnight:
/// live, event time is the host's receive time and the public trades channel arrives out of
/// order with the books, so a fill stamped 23:59:59.9 can be recorded after the clock passed
/// midnight. Until then trades and samples of the date are kept and land in its row. One that
/// arrives later still, for a date already rolled up, cannot change the upserted row: it is
/// ignored and counted in ``lateDroppedCount``.
///
/// After a restart mid-day, feed the day's closed trades back from the `trades` table with
/// ``record(_:)-(ClosedTrade)`` before new ones, so the day's row is complete when it is
/// upserted again; equity samples are not persisted, so the day's return, drawdown and Sharpe
/// then start from the first sample after the restart.
public struct DailyPerformanceTracker: Sendable {
    public let mode: TradingMode
    /// How long after a date's end its late trades and samples are still accepted.
    public let rollupDelay: Duration
    /// Trades and samples stamped on a date already rolled up, which were ignored.
    public private(set) var lateDroppedCount = 0
    /// The date event time is on; nil before the first event.
    public var currentDate: UTCDate? { clock.map(UTCDate.init(containing:)) }

    private let delayNanoseconds: Int64
    /// The latest event time; nil before the first event.
    private var clock: Timestamp?
    /// The earliest date not rolled up: everything stamped before its start is late.
    private var firstOpenDate: UTCDate?
    /// The trades of the open dates, in the order recorded.
    private var trades: [ClosedTrade] = []
    /// The strategies sampled so far, in the order first seen, and by the same index their
    /// samples of the open dates (in the order recorded) and last equity before ``firstOpenDate``.
    private var sampled: [StrategyName] = []
    private var samples: [[TimedEquity]] = []
    private var carriedEquity: [Money?] = []

    /// - Parameter rollupDelay: the grace after midnight for late trades and samples
    ///   (negative counts as zero).
    public init(mode: TradingMode, rollupDelay: Duration = .seconds(5)) {
        self.mode = mode
        self.rollupDelay = rollupDelay
        // Clamped so that moving a time back by it cannot overflow; a century of grace is as good as forever.
        self.delayNanoseconds = min(max(rollupDelay, .zero), .seconds(100 * 366 * 86_400)).wholeNanoseconds
    }

    /// Moves event time to `time` (never back); returns the rows of every date whose grace has
    /// passed, in date order, then strategy order (one per strategy that traded or was sampled on it).
    public mutating func advance(to time: Timestamp) -> [DailyPerformance] {
        if let clock, time <= clock { return [] }
        clock = time
        // Called at every event: most of them are far from the next date's grace end.
        if let previous = firstOpenDate, time.nanoseconds(since: previous.end) < delayNanoseconds { return [] }
        let open = UTCDate(containing: time.advanced(byNanoseconds: -delayNanoseconds))
        guard let previous = firstOpenDate else {
            firstOpenDate = open
            return []
        }
        guard open > previous else { return [] }
        let rows = openDates().filter { $0 < open }.flatMap { rollUp($0, periodEnd: $0.end) }
        for index in samples.indices {
            if let equity = Self.lastEquity(in: samples[index], before: open.start) { carriedEquity[index] = equity }
            samples[index].removeAll { $0.timestamp < open.start }
        }
        trades.removeAll { $0.completedAt < open.start }
        firstOpenDate = open
        return rows
    }

    /// Adds a trade that completed (first rolling up the dates whose grace its time passes).
    public mutating func record(_ trade: ClosedTrade) -> [DailyPerformance] {
        let rows = advance(to: trade.completedAt)
        if isOpen(trade.completedAt) { trades.append(trade) } else { lateDroppedCount += 1 }
        return rows
    }

    /// Adds an equity sample (first rolling up the dates whose grace its time passes).
    public mutating func record(_ sample: EquitySample) -> [DailyPerformance] {
        let rows = advance(to: sample.timestamp)
        guard isOpen(sample.timestamp) else {
            lateDroppedCount += 1
            return rows
        }
        let index = sampled.firstIndex(of: sample.strategy) ?? {
            sampled.append(sample.strategy)
            samples.append([])
            carriedEquity.append(nil)
            return sampled.count - 1
        }()
        samples[index].append(TimedEquity(timestamp: sample.timestamp, equity: sample.equity))
        return rows
    }

    /// The rows of every open date up to `time` (shutdown): a date that ended by then is a full
    /// day, a later one is marked partial. Collection continues.
    public func partialDay(until time: Timestamp) -> [DailyPerformance] {
        openDates().flatMap { rollUp($0, periodEnd: time) }
    }

    private func isOpen(_ time: Timestamp) -> Bool {
        firstOpenDate.map { time >= $0.start } ?? true
    }

    /// The dates with a trade or sample kept, in order.
    private func openDates() -> [UTCDate] {
        var dates: [UTCDate] = []
        // Times come in runs of one date (a day of samples): a time inside the last date found
        // needs no division to know its date.
        func note(_ time: Timestamp) {
            if let last = dates.last, time >= last.start, time < last.end { return }
            let date = UTCDate(containing: time)
            if !dates.contains(date) { dates.append(date) }
        }
        for trade in trades { note(trade.completedAt) }
        for own in samples {
            for sample in own { note(sample.timestamp) }
        }
        return dates.sorted()
    }

    private func rollUp(_ date: UTCDate, periodEnd: Timestamp) -> [DailyPerformance] {
        let onDate = { (time: Timestamp) in time >= date.start && time < date.end }
        let strategies = trades.lazy.filter { onDate($0.completedAt) }.map(\.strategy)
            + sampled.indices.lazy.filter { samples[$0].contains { onDate($0.timestamp) } }.map { sampled[$0] }
        return Self.distinct(strategies).sorted().map { strategy in
            let index = sampled.firstIndex(of: strategy)
            let own = index.map { samples[$0] } ?? []
            return DailyPerformance.compute(strategy: strategy, date: date, trades: trades, samples: own,
                                            openingEquity: Self.lastEquity(in: own, before: date.start) ?? index.flatMap { carriedEquity[$0] },
                                            periodEnd: periodEnd, mode: mode)
        }
    }

    /// The distinct values of `values`, a few strategies in runs: comparing with the values
    /// already found beats hashing every one.
    private static func distinct<Values: Sequence>(_ values: Values) -> [Values.Element] where Values.Element: Equatable {
        var found: [Values.Element] = []
        for value in values where found.last != value && !found.contains(value) { found.append(value) }
        return found
    }

    /// The equity of the sample with the latest time before `time` (samples can be recorded
    /// out of order; on a tie, the one recorded last).
    private static func lastEquity(in samples: [TimedEquity], before time: Timestamp) -> Money? {
        var latest: TimedEquity?
        for sample in samples where sample.timestamp < time {
            if latest.map({ sample.timestamp >= $0.timestamp }) ?? true { latest = sample }
        }
        return latest?.equity
    }
}
