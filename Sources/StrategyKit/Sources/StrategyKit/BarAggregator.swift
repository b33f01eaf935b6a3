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
    private var completed: [Bar] = []
    private var completedHead = 0
    /// The index of the last instrument updated (updates of one instrument come in runs).
    private var lastIndex = 0

    /// One instrument's open bar.
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
        var notional = 0.0
        var tradeCount = 0
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
    public var completedCount: Int { completed.count - completedHead }

    /// Takes the oldest completed bar off the queue; nil when it is empty.
    public mutating func nextCompletedBar() -> Bar? {
        guard completedHead < completed.count else { return nil }
        let bar = completed[completedHead]
        completedHead += 1
        if completedHead == completed.count {
            completed.removeAll(keepingCapacity: true)
            completedHead = 0
        }
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
        advance(to: trade.timestamp)
        guard let index = index(of: trade.instrument), open(index, at: trade.timestamp, price: trade.price) else { return }
        builders[index].volume = builders[index].volume + trade.quantity
        builders[index].notional += trade.price.double * trade.quantity.double
        builders[index].tradeCount += trade.aggregatedCount ?? 1
    }

    /// Adds a ticker's last price (for `source: ticker`; ignored otherwise, and while the ticker
    /// has no last price).
    public mutating func add(ticker: Ticker) {
        guard specification.source == .ticker, !ticker.last.value.isZero else { return }
        advance(to: ticker.timestamp)
        guard let index = index(of: ticker.instrument) else { return }
        _ = open(index, at: ticker.timestamp, price: ticker.last)
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
        guard open(index, at: candle.openTime, price: candle.open) else { return }
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
    private mutating func index(of instrument: InstrumentId) -> Int? {
        if lastIndex < instruments.count, instruments[lastIndex] == instrument { return lastIndex }
        guard let index = instruments.firstIndex(of: instrument) else { return nil }
        lastIndex = index
        return index
    }

    /// Puts `price` at `time` into the instrument's open bar, opening one if none is; false (and
    /// counted as late) when the time belongs to a completed bar. The caller adds volume.
    private mutating func open(_ index: Int, at time: Timestamp, price: Price) -> Bool {
        let now = time.nanosecondsSinceEpoch
        if builders[index].isOpen {
            guard now >= builders[index].openTime else {
                lateUpdates += 1
                return false
            }
            if price > builders[index].high { builders[index].high = price }
            if price < builders[index].low { builders[index].low = price }
            builders[index].close = price
            return true
        }
        guard now >= builders[index].completedUntil else {
            lateUpdates += 1
            return false
        }
        let start = specification.interval.start(of: time).nanosecondsSinceEpoch
        let end = start + specification.interval.nanoseconds
        builders[index] = Builder(isOpen: true, openTime: start, closeTime: end, completedUntil: builders[index].completedUntil,
                                  open: price, high: price, low: price, close: price)
        if end < nextCloseTime.nanosecondsSinceEpoch { nextCloseTime = Timestamp(nanosecondsSinceEpoch: end) }
        return true
    }

    /// Moves the instrument's open bar to the completed queue.
    private mutating func complete(_ index: Int) {
        let builder = builders[index]
        let vwap = specification.source == .trades && !builder.volume.isZero
            ? Price(approximating: builder.notional / builder.volume.double) : nil
        completed.append(Bar(instrument: instruments[index], interval: specification.interval,
                             openTime: Timestamp(nanosecondsSinceEpoch: builder.openTime),
                             closeTime: Timestamp(nanosecondsSinceEpoch: builder.closeTime), open: builder.open,
                             high: builder.high, low: builder.low, close: builder.close, volume: builder.volume,
                             vwap: vwap, tradeCount: builder.tradeCount))
        builders[index].isOpen = false
        builders[index].completedUntil = builder.closeTime
    }
}
