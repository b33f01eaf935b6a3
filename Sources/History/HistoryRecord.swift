import MarketData
import TradingCore

/// One downloaded candle or trade, its fields kept as OKX's exact text (prices and sizes are never
/// re-rendered), and its line in the recording format replay reads.
public struct HistoryRecord: Sendable, Hashable {
    /// The fields of one record.
    public enum Fields: Sendable, Hashable {
        /// `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` as OKX sends them.
        case candle([String])
        /// A public trade.
        case trade(tradeId: String, price: String, size: String, side: String)
    }

    /// The instrument id, e.g. `BTC-USDT`.
    public var instrument: String
    /// Milliseconds since the epoch: a candle's open time, a trade's time.
    public var time: Int64
    /// The record's fields as OKX sent them.
    public var fields: Fields

    public init(instrument: String, time: Int64, fields: Fields) {
        self.instrument = instrument
        self.time = time
        self.fields = fields
    }

    /// What makes two records the same one: the bar's open time, or the trade id.
    public var identity: String {
        switch fields {
        case .candle: String(time)
        case .trade(let tradeId, _, _, _): tradeId
        }
    }

    /// The trade id as a number, for ordering trades of the same millisecond (OKX's ids grow).
    var tradeNumber: Int64 {
        if case .trade(let tradeId, _, _, _) = fields { return Int64(tradeId) ?? 0 }
        return 0
    }

    /// The OKX WebSocket push frame a live recording would hold for this record.
    public func frame(channel: String) -> String {
        let arg = #"{"arg":{"channel":"# + JSONString.quoted(channel) + #","instId":"# + JSONString.quoted(instrument) + "},"
        switch fields {
        case .candle(let values):
            return arg + #""data":[["# + values.map(JSONString.quoted).joined(separator: ",") + "]]}"
        case .trade(let tradeId, let price, let size, let side):
            return arg + #""data":[{"instId":"# + JSONString.quoted(instrument) + #","tradeId":"# + JSONString.quoted(tradeId)
                + #","px":"# + JSONString.quoted(price) + #","sz":"# + JSONString.quoted(size) + #","side":"# + JSONString.quoted(side)
                + #","ts":"# + JSONString.quoted(String(time)) + "}]}"
        }
    }

    /// The recording line (without newline). A confirmed bar arrives when it closes, a trade when
    /// it happens: that is the receive time a live recording would have given them, so a replay of
    /// downloaded history plays the bars at the same moments as a replay of a recording would.
    public func line(kind: HistoryKind) -> String {
        let receivedMilliseconds = time + (kind.barMilliseconds ?? 0)
        let endpoint: OKXEndpointKind = OKXSubscription(channel: kind.channel).endpoint
        return FrameRecording.line(for: ReceivedFrame(text: frame(channel: kind.channel),
                                                      receivedAt: Timestamp(millisecondsSinceEpoch: receivedMilliseconds),
                                                      endpoint: endpoint))
    }

}
