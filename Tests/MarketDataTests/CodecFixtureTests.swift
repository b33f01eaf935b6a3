import Foundation
import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// Every fixture frame decodes to exactly the values it carries, checked against an independent
/// JSONSerialization reading of the same line.
@Suite(.watchdog) struct CodecFixtureTests {
    static let marketDataFiles = [
        "okx/ws/bbo_tbt.jsonl", "okx/ws/books5.jsonl", "okx/ws/books_l2_tbt_snapshot_update.jsonl",
        "okx/ws/books_parse_only.jsonl", "okx/ws/books_snapshot_update.jsonl", "okx/ws/candle1m.jsonl",
        "okx/ws/candle1m_okcoin_v5.jsonl", "okx/ws/tickers.jsonl", "okx/ws/trades.jsonl",
    ]

    @Test(arguments: marketDataFiles)
    func marketDataFrameDecodesToTheValuesItCarries(file: String) throws {
        var codec = OKXCodec()
        let lines = try FixtureFiles.lines(file)
        #expect(!lines.isEmpty)
        for (number, line) in lines.enumerated() {
            let expected = try #require(try IndependentReading.marketEvents(line), "line \(number + 1) of \(file)")
            let message = try codec.decode(line)
            #expect(message.marketEvents == expected, "line \(number + 1) of \(file)")
            if expected.count == 1 {
                #expect(message == .market(expected[0]))
            } else {
                #expect(message == .marketBatch(expected))
            }
        }
    }

    @Test func tradeValuesSpelledOut() throws {
        var codec = OKXCodec()
        let line = #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"674510826","px":"95634.9","sz":"0.00011186","side":"buy","ts":"1740394561685","count":"1"}]}"#
        guard case .market(.trade(let trade)) = try codec.decode(line) else {
            Issue.record("not a trade")
            return
        }
        #expect(trade.instrument.symbol == "BTC-USDT")
        #expect(trade.instrument.kind == .spot)
        #expect(trade.tradeId.rawValue == "674510826")
        #expect(trade.price.description == "95634.9")
        #expect(trade.quantity.value == FixedPoint(units: 11186, decimals: 8))
        #expect(trade.side == .buy)
        #expect(trade.timestamp.millisecondsSinceEpoch == 1_740_394_561_685)
        #expect(trade.aggregatedCount == 1)
    }

    @Test func nineFieldCandleCarriesConfirmAndQuoteVolume() throws {
        var codec = OKXCodec()
        let line = #"{"arg":{"channel":"candle1H","instId":"BTC-USDT-SWAP"},"data":[["1597026383085","8533.02","8553.74","8527.17","8548.26","45247","529.5858061","5.1","1"]]}"#
        guard case .market(.candle(let candle)) = try codec.decode(line) else {
            Issue.record("not a candle")
            return
        }
        #expect(candle.interval == .oneHour)
        #expect(candle.isConfirmed == true)
        #expect(candle.volumeQuote?.description == "5.1")
        #expect(candle.volumeCurrency?.description == "529.5858061")
        #expect(candle.close.description == "8548.26")
    }

    @Test func everyCandleChannelMapsToItsInterval() throws {
        var codec = OKXCodec()
        for interval in CandleInterval.allCases {
            let line = #"{"arg":{"channel":"candle"# + interval.okxChannelSuffix
                + #"","instId":"ETH-USDT"},"data":[["1685221620000","1","2","0.5","1.5","10","15"]]}"#
            guard case .market(.candle(let candle)) = try codec.decode(line) else {
                Issue.record("candle\(interval.okxChannelSuffix) did not decode to a candle")
                continue
            }
            #expect(candle.interval == interval)
            #expect(candle.isConfirmed == nil)
        }
    }

    @Test func batchedTradesKeepTheirOrder() throws {
        var codec = OKXCodec()
        let line = #"{"arg":{"channel":"trades-all","instId":"ETH-USDT"},"data":[{"instId":"ETH-USDT","tradeId":"1","px":"1","sz":"2","side":"sell","ts":"1"},{"instId":"ETH-USDT","tradeId":"2","px":"1.5","sz":"3","side":"buy","ts":"2","source":"0"}]}"#
        let events = try codec.decode(line).marketEvents
        #expect(events.count == 2)
        guard case .trade(let first) = events[0], case .trade(let second) = events[1] else {
            Issue.record("not trades")
            return
        }
        #expect(first.tradeId.rawValue == "1" && second.tradeId.rawValue == "2")
        #expect(second.side == .buy && first.side == .sell)
    }

    @Test func seqIdsAndChecksumAreRead() throws {
        var codec = OKXCodec()
        let line = #"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["8476.98","0","0","0"]],"bids":[],"ts":"1597026383085","checksum":0,"prevSeqId":123456,"seqId":123457}]}"#
        guard case .market(.book(let book)) = try codec.decode(line) else {
            Issue.record("not a book")
            return
        }
        #expect(book.action == .update)
        #expect(book.seqId == 123_457)
        #expect(book.prevSeqId == 123_456)
        #expect(book.checksum == 0)
        #expect(book.asks == [BookLevel(price: try Price(parsing: "8476.98"), size: .zero, orderCount: 0)])
        #expect(book.bids.isEmpty)
    }

    @Test func tickBookChannelsCarrySequenceIdsAndEmptyTickerSidesAreNil() throws {
        var codec = OKXCodec()
        let books50 = #"{"arg":{"channel":"books50-l2-tbt","instId":"BTC-USDT-SWAP"},"action":"snapshot","data":[{"asks":[["41006.8","0.6","0","1"]],"bids":[["41006.3","0.3","0","1"]],"ts":"1629966436396","checksum":0,"prevSeqId":-1,"seqId":3366},{"asks":[],"bids":[],"ts":"1629966436397","checksum":0,"prevSeqId":3366,"seqId":3366}]}"#
        let events = try codec.decode(books50).marketEvents
        guard events.count == 2, case .book(let snapshot) = events[0], case .book(let heartbeat) = events[1] else {
            Issue.record("expected two book messages")
            return
        }
        #expect(snapshot.channel == .books50L2Tbt && snapshot.action == .snapshot)
        #expect(snapshot.prevSeqId == -1 && snapshot.seqId == 3366)
        #expect(heartbeat.prevSeqId == 3366 && heartbeat.seqId == 3366 && heartbeat.bids.isEmpty)
        let bbo = #"{"arg":{"channel":"bbo-tbt","instId":"BCH-USDT-SWAP"},"data":[{"asks":[["111.06","55154","0","2"]],"bids":[["111.05","57745","0","2"]],"ts":"1670324386802","seqId":363996337}]}"#
        guard case .market(.book(let top)) = try codec.decode(bbo) else {
            Issue.record("expected a bbo-tbt book")
            return
        }
        #expect(top.action == .snapshot && top.seqId == 363_996_337 && top.prevSeqId == nil)
        let emptyBook = #"{"arg":{"channel":"tickers","instId":"NEW-USDT"},"data":[{"instType":"SPOT","instId":"NEW-USDT","last":"1.2","lastSz":"3","askPx":"","askSz":"","bidPx":"1.1","bidSz":"0","open24h":"1","high24h":"1.3","low24h":"0.9","sodUtc0":"1","sodUtc8":"1","volCcy24h":"10","vol24h":"8","ts":"1700000000000"}]}"#
        guard case .market(.ticker(let ticker)) = try codec.decode(emptyBook) else {
            Issue.record("expected a ticker")
            return
        }
        #expect(ticker.askPrice == nil && ticker.askSize == nil)
        #expect(ticker.bidPrice?.description == "1.1" && ticker.bidSize == .zero)
    }

    @Test func subscribeAcknowledgementsDecode() throws {
        var codec = OKXCodec()
        for line in try FixtureFiles.lines("okx/ws/events.jsonl") {
            let object = try IndependentReading.object(line)
            let arg = try #require(object["arg"] as? [String: Any])
            let expected = OKXSubscription(channel: try IndependentReading.string(arg, "channel"),
                                           instId: try IndependentReading.string(arg, "instId"))
            #expect(try codec.decode(line) == .control(.subscribed(expected, connectionId: nil)))
        }
    }

    @Test func controlMessagesDecode() throws {
        var codec = OKXCodec()
        #expect(try codec.decode("pong") == .control(.pong))
        #expect(try codec.decode(#"{"event":"subscribe","arg":{"channel":"tickers","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#)
                == .control(.subscribed(OKXSubscription(channel: "tickers", instId: "BTC-USDT"), connectionId: "a4d3ae55")))
        #expect(try codec.decode(#"{"event":"unsubscribe","arg":{"channel":"books5","instId":"ETH-USDT"},"connId":"x1"}"#)
                == .control(.unsubscribed(OKXSubscription(channel: "books5", instId: "ETH-USDT"), connectionId: "x1")))
        #expect(try codec.decode(#"{"event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\"}","connId":"a4d3ae55"}"#)
                == .control(.error(code: "60012", message: #"Invalid request: {"op": "subscribe"}"#, connectionId: "a4d3ae55")))
        #expect(try codec.decode(#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"}"#)
                == .control(.notice(code: "64008", message: "The connection will soon be closed for a service upgrade.", connectionId: "a4d3ae55")))
        #expect(try codec.decode(#"{"event":"channel-conn-count","channel":"orders","connCount":"2","connId":"abcd1234"}"#)
                == .control(.channelConnectionCount(channel: "orders", count: 2, connectionId: "abcd1234")))
        #expect(try codec.decode(#"{"event":"subscribe","arg":{"channel":"instruments","instType":"SPOT"}}"#)
                == .control(.subscribed(OKXSubscription(channel: "instruments", instType: "SPOT"), connectionId: nil)))
    }

    @Test func otherRealChannelsAreUnsupportedNotErrors() throws {
        var codec = OKXCodec()
        for line in try FixtureFiles.lines("okx/ws/other_public.jsonl") {
            let object = try IndependentReading.object(line)
            let arg = try #require(object["arg"] as? [String: Any])
            #expect(try codec.decode(line) == .unsupportedChannel(channel: "funding-rate", instId: arg["instId"] as? String))
        }
        for line in try FixtureFiles.lines("okx/ws/private/orders.jsonl") {
            guard case .unsupportedChannel(let channel, _) = try codec.decode(line) else {
                Issue.record("private orders push was not reported as unsupported")
                continue
            }
            #expect(channel == "orders")
        }
        #expect(try codec.decode(#"{"arg":{"channel":"candle1Dutc","instId":"BTC-USDT"},"data":[["1","1","1","1","1","1","1"]]}"#)
                == .unsupportedChannel(channel: "candle1Dutc", instId: "BTC-USDT"))
    }

    @Test func everyWebSocketFixtureLineDecodesWithoutError() throws {
        var codec = OKXCodec()
        var count = 0
        for file in FixtureFiles.webSocketFiles {
            for line in try FixtureFiles.lines(file) {
                _ = try codec.decode(line)
                count += 1
            }
        }
        #expect(count > 1400)
    }

    @Test func requestsEncodeAsOKXExpects() throws {
        let subscribe = OKXRequest.subscribe([OKXSubscription(channel: "trades", instId: "BTC-USDT"),
                                              OKXSubscription(channel: "candle1m", instId: "ETH-USDT")]).encoded()
        #expect(subscribe == #"{"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"candle1m","instId":"ETH-USDT"}]}"#)
        let unsubscribe = OKXRequest.unsubscribe([OKXSubscription(channel: "instruments", instType: "SPOT")]).encoded(id: "r1")
        #expect(unsubscribe == #"{"id":"r1","op":"unsubscribe","args":[{"channel":"instruments","instType":"SPOT"}]}"#)
        // The encoding is valid JSON that an independent reader understands.
        let object = try IndependentReading.object(subscribe)
        #expect(object["op"] as? String == "subscribe")
        #expect((object["args"] as? [[String: String]])?.last?["instId"] == "ETH-USDT")
        #expect(JSONString.quoted("a\"b\\c\n") == #""a\"b\\c\n""#)
    }
}
