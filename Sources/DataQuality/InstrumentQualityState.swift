import TradingCore

/// Everything QualityControl keeps for one instrument: its resolved rules, dedup window, one
/// price track per stream, counters and burst detector. A class so the event loop mutates it in
/// place through one dictionary lookup (no copy-on-write of the nested buffers). The fields
/// checked on every event skip Swift's dynamic exclusivity checks: one event loop owns them and
/// no check holds an access across a call that could reach the same state again.
final class InstrumentQualityState {
    let instrument: InstrumentId
    let rules: QualityRules
    @exclusivity(unchecked) var dedup: TradeIdWindow
    @exclusivity(unchecked) var trades: PriceTrack
    @exclusivity(unchecked) var tickers: PriceTrack
    @exclusivity(unchecked) var bookMids: PriceTrack
    /// One track per candle interval (bars of different lengths are different streams).
    var candles: [PriceTrack]
    @exclusivity(unchecked) var counters = QualityCounters()
    /// The counters as of the last metrics drain, for deltas.
    var countersAtLastDrain = QualityCounters()
    var earlyEvictionsAtLastDrain: UInt64 = 0
    var burst = BurstDetector()
    var lastRejection: QualityReason?
    var lastRejectionAt: Int64 = 0

    init(instrument: InstrumentId, rules: QualityRules) {
        self.instrument = instrument
        self.rules = rules
        dedup = TradeIdWindow(capacity: rules.dedup.capacity, windowNanoseconds: rules.dedup.windowNanoseconds)
        trades = PriceTrack(zScoreWindow: rules.zScore.window)
        tickers = PriceTrack(zScoreWindow: rules.zScore.window)
        bookMids = PriceTrack(zScoreWindow: rules.zScore.window)
        candles = Array(repeating: PriceTrack(zScoreWindow: rules.zScore.window), count: CandleInterval.allCases.count)
    }

    func markDiscontinuity() {
        trades.markDiscontinuity()
        tickers.markDiscontinuity()
        bookMids.markDiscontinuity()
        for index in candles.indices { candles[index].markDiscontinuity() }
    }

    /// The position of `interval` in ``candles``.
    static func candleSlot(_ interval: CandleInterval) -> Int {
        switch interval {
        case .oneSecond: 0
        case .oneMinute: 1
        case .threeMinutes: 2
        case .fiveMinutes: 3
        case .fifteenMinutes: 4
        case .thirtyMinutes: 5
        case .oneHour: 6
        case .twoHours: 7
        case .fourHours: 8
        case .sixHours: 9
        case .twelveHours: 10
        case .oneDay: 11
        case .oneWeek: 12
        }
    }
}
