import TradingCore

/// Builds time bars of several instruments from trades, ticker prices or candles, on event time.
///
/// The host runs one per strategy with `bars:` in its manifest and delivers what it completes to
/// `Strategy.onBar(_:)`; tests (and strategies wanting a second timeframe) can run their own. It is
/// a pure state machine: no clock, no I/O, the same input gives the same bars.
///
/// Rules (see ``Bar``): a bar covers [start, start + interval) with start a multiple of the
/// interval since the epoch; it completes when ``advance(to:)`` (or an update, which advances
/// first) reaches its close time, whichever instrument that time came from; an interval without
/// data makes no bar. An update stamped before the open bar of its instrument, or inside a bar
/// already completed (a feed's cross-instrument skew can do that), is dropped and counted in
/// ``lateUpdates``: a completed bar is never changed. Updates of instruments it was not created
/// for, of another source, and unconfirmed candles are ignored.
///
/// Completed bars wait in a queue, oldest close time first (manifest instrument order among equal
/// close times), until ``nextCompletedBar()`` takes them. O(instruments) per completion, O(1)
/// and allocation-free per update.
public struct BarAggregator: Sendable {
    /// What the bars are.
    public let specification: BarSpecification
    /// The instruments with bars, in the order ties are delivered.
    public let instruments: [InstrumentId]
    /// For candle bars: the candle interval folded into bars (others are ignored).
    public let candleInterval: CandleInterval?
    /// How many updates were dropped because their bar was already complete.
    public private(set) var lateUpdates = 0
    /// The earliest close time of an open bar (`Int64.max` nanoseconds when none is open): the
    /// clock time at which ``advance(to:)`` has something to do.
    public private(set) var nextCloseTime = Timestamp(nanosecondsSinceEpoch: .max)

    private var builders: [Builder]
    @usableFromInline var completed: [Bar] = []
    @usableFromInline var completedHead = 0
    /// The index of the last instrument updated (updates of one instrument come in runs).
    private var lastIndex = 0

    /// One instrument's open bar. The per-update work is done here, through one access to the
    /// builders array per update (the aggregator runs on every trade of the host's hot path).
    private struct Builder: Sendable {
        var isOpen = false
        var openTime: Int64 = 0
        var closeTime: Int64 = 0
        /// The close time of the last completed bar: updates before it are late.
        var completedUntil: Int64 = .min
        var open = Price(.zero)
        var high = Price(.zero)
        var low = Price(.zero)
        var close = Price(.zero)
        var volume = Quantity(.zero)
        /// Σ price × size of the trades, both scaled by 10^12 (so this is 10^24 times the notional):
        /// raw values within Int64 convert to Double in one instruction, where exact decimals
        /// would take a division per trade.
        var scaledNotional = 0.0
        var tradeCount = 0

        /// What became of an update.
        enum Outcome { case joined, opened, late }

        /// Puts `price` at `now` into the open bar, or opens one (of `interval`) if none is;
        /// `.late` when the time belongs to a completed bar.
        @inline(__always) mutating func take(_ price: Price, at now: Int64, interval: BarInterval) -> Outcome {
            if isOpen {
                guard now >= openTime else { return .late }
                if price > high { high = price }
                if price < low { low = price }
                close = price
                return .joined
            }
            guard now >= completedUntil else { return .late }
            let remainder = now % interval.nanoseconds
            let start = now - (remainder < 0 ? remainder + interval.nanoseconds : remainder)
            self = Builder(isOpen: true, openTime: start, closeTime: start + interval.nanoseconds, completedUntil: completedUntil,
                           open: price, high: price, low: price, close: price)
            return .opened
        }

        /// ``take(_:at:interval:)`` for a trade, adding its size, notional and count.
        @inline(__always) mutating func take(trade: TradeTick, interval: BarInterval) -> Outcome {
            let outcome = take(trade.price, at: trade.timestamp.nanosecondsSinceEpoch, interval: interval)
            guard outcome != .late else { return outcome }
            volume = Quantity(volume.value + trade.quantity.value)
            scaledNotional += Self.scaled(trade.price.value) * Self.scaled(trade.quantity.value)
            tradeCount += trade.aggregatedCount ?? 1
            return outcome
        }

        /// `value × 10^12` as a Double.
        @inline(__always) static func scaled(_ value: FixedPoint) -> Double {
            if value.raw >= -9_223_372_036_854_775_808 && value.raw <= 9_223_372_036_854_775_807 {
                return Double(Int64(truncatingIfNeeded: value.raw))
            }
            return value.doubleValue * 1e12
        }
    }

    /// Creates an aggregator for `instruments` (duplicates are ignored).
    ///
    /// - Parameters:
    ///   - specification: the interval and source.
    ///   - instruments: the instruments to build bars for.
    ///   - candleInterval: for `source: candles`, the candle interval to fold (it must divide the
    ///     bar interval; the host picks it from the manifest's channels); nil means the candle
    ///     interval equal to the bar interval.
    public init(specification: BarSpecification, instruments: [InstrumentId], candleInterval: CandleInterval? = nil) {
        self.specification = specification
        var unique: [InstrumentId] = []
        for instrument in instruments where !unique.contains(instrument) { unique.append(instrument) }
        self.instruments = unique
        self.candleInterval = specification.source == .candles
            ? candleInterval ?? CandleInterval.allCases.first { $0.seconds * 1_000_000_000 == specification.interval.nanoseconds }
            : nil
        self.builders = Array(repeating: Builder(), count: unique.count)
        self.completed.reserveCapacity(unique.count)
    }

    /// Whether a completed bar waits in the queue.
    @inlinable public var hasCompletedBars: Bool { completedCount > 0 }

    /// How many completed bars wait in the queue.
    @inlinable public var completedCount: Int { completed.count - completedHead }

    /// The oldest completed bar, read where it waits (``hasCompletedBars`` must be true): the
    /// host hands it to `onBar` without copying it out of the queue.
    @_spi(Host) @inlinable public var oldestCompletedBar: Bar {
        _read { yield completed[completedHead] }
    }

    /// Takes the oldest completed bar off the queue (``hasCompletedBars`` must be true).
    @_spi(Host) @inlinable public mutating func dropOldestCompletedBar() {
        completedHead += 1
        guard completedHead == completed.count else { return }
        // One bar at a time is the usual case, and removeLast is a fraction of the generic
        // range replacement removeAll goes through.
        if completedHead == 1 { completed.removeLast() } else { completed.removeAll(keepingCapacity: true) }
        completedHead = 0
    }

    /// Takes the oldest completed bar off the queue; nil when it is empty.
    public mutating func nextCompletedBar() -> Bar? {
        guard completedHead < completed.count else { return nil }
        let bar = completed[completedHead]
        dropOldestCompletedBar()
        return bar
    }

    /// Moves the clock to `time`: every open bar whose close time is at or before it completes.
    public mutating func advance(to time: Timestamp) {
        guard time >= nextCloseTime else { return }
        let now = time.nanosecondsSinceEpoch
        let firstNew = completed.count
        var earliestOpen = Int64.max
        for index in builders.indices where builders[index].isOpen {
            if builders[index].closeTime <= now {
                complete(index)
            } else {
                earliestOpen = min(earliestOpen, builders[index].closeTime)
            }
        }
        nextCloseTime = Timestamp(nanosecondsSinceEpoch: earliestOpen)
        // Instruments whose bars opened at different times complete different bars in one step.
        if completed.count - firstNew > 1 {
            completed[firstNew...].sort { $0.closeTime < $1.closeTime }
        }
    }

    /// Adds a trade (for `source: trades`; ignored otherwise).
    public mutating func add(trade: TradeTick) {
        guard specification.source == .trades else { return }
        if trade.timestamp >= nextCloseTime { advance(to: trade.timestamp) }
        guard let index = index(of: trade.instrument) else { return }
        noteOutcome(builders[index].take(trade: trade, interval: specification.interval), of: index)
    }

    /// Adds a ticker's last price (for `source: ticker`; ignored otherwise, and while the ticker
    /// has no last price).
    public mutating func add(ticker: Ticker) {
        guard specification.source == .ticker, !ticker.last.value.isZero else { return }
        advance(to: ticker.timestamp)
        guard let index = index(of: ticker.instrument) else { return }
        noteOutcome(builders[index].take(ticker.last, at: ticker.timestamp.nanosecondsSinceEpoch, interval: specification.interval), of: index)
    }

    /// Adds a confirmed candle of ``candleInterval`` (for `source: candles`; others are ignored).
    /// The bar completes at once when the candle ends it.
    public mutating func add(candle: Candle) {
        guard let candleInterval, candle.interval == candleInterval, candle.isConfirmed != false else { return }
        advance(to: candle.openTime)
        guard let index = index(of: candle.instrument) else { return }
        let candleNanoseconds = candleInterval.seconds * 1_000_000_000
        if candleNanoseconds == specification.interval.nanoseconds {
            // One candle, one bar, on the candle's own times (OKX aligns daily candles on UTC+8).
            guard candle.openTime.nanosecondsSinceEpoch >= builders[index].completedUntil else {
                lateUpdates += 1
                return
            }
            let closeTime = candle.openTime.advanced(byNanoseconds: candleNanoseconds)
            builders[index].completedUntil = closeTime.nanosecondsSinceEpoch
            completed.append(Bar(instrument: instruments[index], interval: specification.interval, openTime: candle.openTime,
                                 closeTime: closeTime, open: candle.open, high: candle.high, low: candle.low, close: candle.close,
                                 volume: candle.volume, vwap: nil, tradeCount: 0))
            return
        }
        let outcome = builders[index].take(candle.open, at: candle.openTime.nanosecondsSinceEpoch, interval: specification.interval)
        noteOutcome(outcome, of: index)
        guard outcome != .late else { return }
        builders[index].high = max(builders[index].high, candle.high)
        builders[index].low = min(builders[index].low, candle.low)
        builders[index].close = candle.close
        builders[index].volume = builders[index].volume + candle.volume
        if candle.openTime.nanosecondsSinceEpoch + candleNanoseconds >= builders[index].closeTime {
            complete(index)
            nextCloseTime = Timestamp(nanosecondsSinceEpoch: builders.reduce(Int64.max) { $1.isOpen ? min($0, $1.closeTime) : $0 })
        }
    }

    // MARK: - Private

    /// The instrument's index, through a cache of the last one (events come in runs).
    @inline(__always) private mutating func index(of instrument: InstrumentId) -> Int? {
        if lastIndex < instruments.count, instruments[lastIndex] == instrument { return lastIndex }
        guard let index = instruments.firstIndex(of: instrument) else { return nil }
        lastIndex = index
        return index
    }

    /// Counts a late update, or moves ``nextCloseTime`` to a bar just opened.
    @inline(__always) private mutating func noteOutcome(_ outcome: Builder.Outcome, of index: Int) {
        switch outcome {
        case .joined:
            break
        case .opened:
            let end = builders[index].closeTime
            if end < nextCloseTime.nanosecondsSinceEpoch { nextCloseTime = Timestamp(nanosecondsSinceEpoch: end) }
        case .late:
            lateUpdates += 1
        }
    }

    /// Moves the instrument's open bar to the completed queue.
    private mutating func complete(_ index: Int) {
        let builder = builders[index]
        let vwap = specification.source == .trades && !builder.volume.isZero
            ? Price(approximating: builder.scaledNotional / 1e24 / builder.volume.double) : nil
        completed.append(Bar(instrument: instruments[index], interval: specification.interval,
                             openTime: Timestamp(nanosecondsSinceEpoch: builder.openTime),
                             closeTime: Timestamp(nanosecondsSinceEpoch: builder.closeTime), open: builder.open,
                             high: builder.high, low: builder.low, close: builder.close, volume: builder.volume,
                             vwap: vwap, tradeCount: builder.tradeCount))
        builders[index].isOpen = false
        builders[index].completedUntil = builder.closeTime
    }
}
