import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// `OKXCodec.decode(_:deliveringTo:)` hands over exactly the events `decode(_:)` returns, in order,
/// and nothing from a frame that does not decode.
@Suite(.watchdog) struct CodecReceiverTests {
    final class Recorder: MarketEventReceiver {
        var events: [MarketEvent] = []
        func receive(trade: TradeTick) { events.append(.trade(trade)) }
        func receive(ticker: Ticker) { events.append(.ticker(ticker)) }
        func receive(candle: Candle) { events.append(.candle(candle)) }
        func receive(book: BookUpdate) { events.append(.book(book)) }
    }

    /// Decodes `bytes` both ways (fresh codecs) and checks they agree.
    static func expectSameDelivery(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var returningCodec = OKXCodec()
        var deliveringCodec = OKXCodec()
        let recorder = Recorder()
        bytes.withUnsafeBufferPointer { buffer in
            let returned = Result { () throws(OKXDecodeError) in try returningCodec.decode(buffer) }
            let delivered = Result { () throws(OKXDecodeError) in try deliveringCodec.decode(buffer, deliveringTo: recorder) }
            let text = String(decoding: bytes, as: UTF8.self)
            switch (returned, delivered) {
            case (.success(let message), .success(let content)):
                #expect(recorder.events == message.marketEvents, "\(text)", sourceLocation: sourceLocation)
                switch message {
                case .market, .marketBatch:
                    #expect(content == .marketEvents(count: message.marketEvents.count), sourceLocation: sourceLocation)
                case .control(let control):
                    #expect(content == .control(control), sourceLocation: sourceLocation)
                case .unsupportedChannel(let channel, let instId):
                    #expect(content == .unsupportedChannel(channel: channel, instId: instId), sourceLocation: sourceLocation)
                }
            case (.failure(let returnedError), .failure(let deliveredError)):
                #expect(returnedError == deliveredError, "\(text)", sourceLocation: sourceLocation)
                #expect(recorder.events.isEmpty, "events delivered from a refused frame: \(text)", sourceLocation: sourceLocation)
            default:
                Issue.record("decode and decode(_:deliveringTo:) disagree on \(text): \(returned) vs \(delivered)",
                             sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: FixtureFiles.webSocketFiles)
    func everyFixtureFrameIsDeliveredAsDecodeReturnsIt(file: String) throws {
        for line in try FixtureFiles.lines(file) { Self.expectSameDelivery(Array(line.utf8)) }
    }

    @Test func aBatchIsDeliveredInTheOrderSent() {
        let frame = #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"},{"instId":"BTC-USDT","tradeId":"2","px":"2","sz":"1","side":"sell","ts":"2"}]}"#
        Self.expectSameDelivery(Array(frame.utf8))
    }

    @Test func aSingleItemFollowedByGarbageDeliversNothing() {
        let frame = #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]} x"#
        Self.expectSameDelivery(Array(frame.utf8))
    }

    @Test func mutatedFramesAreDeliveredAsDecodeReturnsThem() {
        var lines: [String] = []
        for file in FixtureFiles.webSocketFiles { lines += (try? FixtureFiles.lines(file).prefix(10)) ?? [] }
        var random = SplitMix64(seed: 91)
        for _ in 0..<5_000 {
            Self.expectSameDelivery(FrameMutation.mutated(lines[Int(random.next() % UInt64(lines.count))], maximumEdits: 2, random: &random))
        }
    }
}
