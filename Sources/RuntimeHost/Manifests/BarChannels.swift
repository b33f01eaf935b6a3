import TradingCore

/// Which subscribed channel feeds a manifest's `bars:`, and why none can.
extension BarSpecification {
    /// For bars of candles: the longest subscribed candle interval that the bars can be built
    /// from (one that divides the bar interval; for bars longer than 4H, only the same interval,
    /// since OKX aligns its 6H and longer candles on Hong Kong time). Nil for other sources or
    /// when no channel fits.
    public func candleInterval(in channels: [StrategyChannel]) -> CandleInterval? {
        guard source == .candles else { return nil }
        let candidates = channels.compactMap { channel -> CandleInterval? in
            guard case .candle(let candle) = channel else { return nil }
            let candleNanoseconds = candle.seconds * 1_000_000_000
            guard interval.nanoseconds % candleNanoseconds == 0 else { return nil }
            if interval.nanoseconds > 4 * 3_600_000_000_000 && candleNanoseconds != interval.nanoseconds { return nil }
            return candle
        }
        return candidates.max { $0.seconds < $1.seconds }
    }

    /// What is wrong with building these bars from `channels`, naming `bars.source`; nil when a
    /// subscribed channel feeds them.
    public func channelProblem(_ channels: [StrategyChannel]) -> ManifestError? {
        switch source {
        case .trades:
            guard !channels.contains(.trades) else { return nil }
            return ManifestError(field: "bars.source", reason: "bars from trades need the trades channel: add trades to channels")
        case .ticker:
            guard !channels.contains(.tickers) else { return nil }
            return ManifestError(field: "bars.source", reason: "bars from ticker prices need the tickers channel: add tickers to channels")
        case .candles:
            guard candleInterval(in: channels) == nil else { return nil }
            let subscribed = channels.filter { if case .candle = $0 { true } else { false } }.map(\.name)
            let fitting = interval.nanoseconds > 4 * 3_600_000_000_000
                ? "candle\(interval)"
                : "a candle channel whose interval divides \(interval) (e.g. candle1m for minute bars)"
            return ManifestError(field: "bars.source", reason: "\(interval) bars from candles need \(fitting); channels has \(subscribed.isEmpty ? "no candle channel" : subscribed.joined(separator: ", "))")
        }
    }
}
