import TradingCore

/// A made-up market: a seeded random walk per instrument that produces OKX-shaped raw frames (trades,
/// books5, tickers, candle1m with the confirm flag), so demos and benchmarks exercise the same codec as
/// live data. Deterministic: the same seed, instruments and start time give the same frames.
///
/// SYNTHETIC: nothing here is market data. Every feed built on it says so (``SyntheticFeed/isSynthetic``,
/// its label, and its log lines).
public struct SyntheticMarket: Sendable {
    /// Which channels to produce.
    public struct Channels: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let trades = Channels(rawValue: 1)
        public static let books5 = Channels(rawValue: 2)
        public static let tickers = Channels(rawValue: 4)
        public static let candle1m = Channels(rawValue: 8)
        public static let all: Channels = [.trades, .books5, .tickers, .candle1m]
    }

    private struct Walk: Sendable {
        let instrument: InstrumentId
        let tick: FixedPoint
        let lot: FixedPoint
        var midTicks: Int64
        var nextTradeId: Int64
        var open24h: Int64
        var high24h: Int64
        var low24h: Int64
        var volumeLots: Int64 = 0
        var lastTicks: Int64
        var lastLots: Int64 = 1
        var candleStart: Int64 = -1
        var candle: (open: Int64, high: Int64, low: Int64, close: Int64, lots: Int64) = (0, 0, 0, 0, 0)
    }

    public let seed: UInt64
    public let channels: Channels
    /// Event time advances by this much per step.
    public let stepNanoseconds: Int64
    public private(set) var now: Timestamp
    private var walks: [Walk]
    private var random: SplitMix64
    private var step = 0

    public init(instruments: [InstrumentId], seed: UInt64, start: Timestamp, channels: Channels = .all,
                stepNanoseconds: Int64 = 100_000_000) {
        self.seed = seed
        self.channels = channels
        self.stepNanoseconds = max(1_000_000, stepNanoseconds)
        self.now = start
        self.random = SplitMix64(seed: seed)
        self.walks = instruments.map { instrument in
            let (price, tick, lot) = Self.profile(instrument)
            let mid = price.raw / tick.raw
            return Walk(instrument: instrument, tick: tick, lot: lot, midTicks: Int64(mid), nextTradeId: 1_000_000,
                        open24h: Int64(mid), high24h: Int64(mid), low24h: Int64(mid), lastTicks: Int64(mid))
        }
    }

    /// A plausible starting price, tick size and lot size for an instrument.
    static func profile(_ instrument: InstrumentId) -> (price: FixedPoint, tick: FixedPoint, lot: FixedPoint) {
        let contracts = instrument.isDerivative
        switch instrument.base {
        case "BTC": return (FixedPoint(60_000), FixedPoint(units: 1, decimals: 1), contracts ? FixedPoint(1) : FixedPoint(units: 1, decimals: 5))
        case "ETH": return (FixedPoint(3_000), FixedPoint(units: 1, decimals: 2), contracts ? FixedPoint(1) : FixedPoint(units: 1, decimals: 4))
        case "SOL": return (FixedPoint(150), FixedPoint(units: 1, decimals: 2), contracts ? FixedPoint(1) : FixedPoint(units: 1, decimals: 3))
        default: return (FixedPoint(10), FixedPoint(units: 1, decimals: 4), contracts ? FixedPoint(1) : FixedPoint(units: 1, decimals: 2))
        }
    }

    /// Advances one step and returns the frames it produced, each stamped with its event time.
    public mutating func nextFrames() -> [ReceivedFrame] {
        now = now.advanced(byNanoseconds: stepNanoseconds)
        step += 1
        var frames: [ReceivedFrame] = []
        for index in walks.indices {
            var walk = walks[index]
            // The mid moves by -2...+2 ticks, never below 10 ticks.
            walk.midTicks = max(10, walk.midTicks + Int64(random.next() % 5) - 2)
            let ms = String(now.millisecondsSinceEpoch)
            let symbol = walk.instrument.symbol
            if channels.contains(.trades), random.next() % 10 < 7 {
                let isBuy = random.next() % 2 == 0
                let priceTicks = isBuy ? walk.midTicks + 1 : walk.midTicks
                let lots = Int64(1 + random.next() % 50)
                walk.nextTradeId += 1
                walk.lastTicks = priceTicks
                walk.lastLots = lots
                walk.volumeLots += lots
                walk.high24h = max(walk.high24h, priceTicks)
                walk.low24h = min(walk.low24h, priceTicks)
                updateCandle(&walk, priceTicks: priceTicks, lots: lots, frames: &frames)
                frames.append(frame(#"{"arg":{"channel":"trades","instId":"\#(symbol)"},"data":[{"instId":"\#(symbol)","tradeId":"\#(walk.nextTradeId)","px":"\#(text(priceTicks, walk.tick))","sz":"\#(text(lots, walk.lot))","side":"\#(isBuy ? "buy" : "sell")","ts":"\#(ms)","count":"1"}]}"#))
            }
            if channels.contains(.books5) {
                var asks: [String] = []
                var bids: [String] = []
                for level in 0..<5 {
                    let askLots = Int64(1 + random.next() % 200)
                    let bidLots = Int64(1 + random.next() % 200)
                    asks.append(#"["\#(text(walk.midTicks + 1 + Int64(level), walk.tick))","\#(text(askLots, walk.lot))","0","\#(1 + random.next() % 20)"]"#)
                    bids.append(#"["\#(text(walk.midTicks - Int64(level), walk.tick))","\#(text(bidLots, walk.lot))","0","\#(1 + random.next() % 20)"]"#)
                }
                frames.append(frame(#"{"arg":{"channel":"books5","instId":"\#(symbol)"},"data":[{"asks":[\#(asks.joined(separator: ","))],"bids":[\#(bids.joined(separator: ","))],"instId":"\#(symbol)","ts":"\#(ms)","seqId":\#(step)}]}"#))
            }
            if channels.contains(.tickers), step % 10 == 0 {
                let volume = text(walk.volumeLots, walk.lot)
                let quoteVolume = (try? FixedPoint(raw: Int128(walk.volumeLots) * walk.lot.raw).multiplied(by: FixedPoint(raw: Int128(walk.lastTicks) * walk.tick.raw)))?.description ?? "0"
                frames.append(frame(#"{"arg":{"channel":"tickers","instId":"\#(symbol)"},"data":[{"instType":"\#(walk.instrument.kind.rawValue)","instId":"\#(symbol)","last":"\#(text(walk.lastTicks, walk.tick))","lastSz":"\#(text(walk.lastLots, walk.lot))","askPx":"\#(text(walk.midTicks + 1, walk.tick))","askSz":"\#(text(10, walk.lot))","bidPx":"\#(text(walk.midTicks, walk.tick))","bidSz":"\#(text(10, walk.lot))","open24h":"\#(text(walk.open24h, walk.tick))","high24h":"\#(text(walk.high24h, walk.tick))","low24h":"\#(text(walk.low24h, walk.tick))","volCcy24h":"\#(quoteVolume)","vol24h":"\#(volume)","ts":"\#(ms)"}]}"#))
            }
            walks[index] = walk
        }
        return frames
    }

    private func frame(_ text: String) -> ReceivedFrame {
        ReceivedFrame(text: text, receivedAt: now)
    }

    /// Keeps the current 1-minute bar; pushes it (confirm "0") on every trade and, when the minute
    /// rolls over, once more confirmed (confirm "1"), like OKX does.
    private func updateCandle(_ walk: inout Walk, priceTicks: Int64, lots: Int64, frames: inout [ReceivedFrame]) {
        guard channels.contains(.candle1m) else { return }
        let minute = now.millisecondsSinceEpoch / 60_000 * 60_000
        if walk.candleStart != minute {
            if walk.candleStart >= 0 { frames.append(candleFrame(walk, confirmed: true)) }
            walk.candleStart = minute
            walk.candle = (priceTicks, priceTicks, priceTicks, priceTicks, 0)
        }
        walk.candle.high = max(walk.candle.high, priceTicks)
        walk.candle.low = min(walk.candle.low, priceTicks)
        walk.candle.close = priceTicks
        walk.candle.lots += lots
        frames.append(candleFrame(walk, confirmed: false))
    }

    private func candleFrame(_ walk: Walk, confirmed: Bool) -> ReceivedFrame {
        let volume = FixedPoint(raw: Int128(walk.candle.lots) * walk.lot.raw)
        let quote = (try? volume.multiplied(by: FixedPoint(raw: Int128(walk.candle.close) * walk.tick.raw)))?.description ?? "0"
        let candle = walk.candle
        let symbol = walk.instrument.symbol
        return frame(#"{"arg":{"channel":"candle1m","instId":"\#(symbol)"},"data":[["\#(walk.candleStart)","\#(text(candle.open, walk.tick))","\#(text(candle.high, walk.tick))","\#(text(candle.low, walk.tick))","\#(text(candle.close, walk.tick))","\#(volume)","\#(quote)","\#(quote)","\#(confirmed ? "1" : "0")"]]}"#)
    }

    private func text(_ units: Int64, _ step: FixedPoint) -> String {
        FixedPoint(raw: Int128(units) * step.raw).description
    }
}
