import TradingCore

/// Turns raw frames into feed events: decodes with ``OKXCodec``, drops repeated trades, tracks lag.
/// One per frame source (it keeps the codec's instrument cache and the trade-id memory).
public struct FrameDecoder: Sendable {
    private var codec = OKXCodec()
    public private(set) var deduplicator = TradeDeduplicator()

    public init() {}

    /// Decodes one frame and hands each resulting event to `emit`; returns the decoded message (or the error).
    @discardableResult
    public mutating func decode(_ frame: ReceivedFrame, emit: (FeedEvent) -> Void) -> Result<OKXMessage, OKXDecodeError> {
        var text = frame.text
        let result: Result<OKXMessage, OKXDecodeError> = text.withUTF8 { bytes in
            do throws(OKXDecodeError) { return .success(try codec.decode(bytes)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let message):
            message.forEachMarketEvent { event in
                if case .trade(let trade) = event, !deduplicator.isFirstSighting(trade) { return }
                emit(.market(event, receivedAt: frame.receivedAt))
            }
        case .failure(let error):
            emit(.decodeFailure(error, frame: frame.text))
        }
        return result
    }
}
