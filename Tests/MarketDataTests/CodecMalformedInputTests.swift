import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// Malformed frames give a typed error that names what was wrong, never a crash or a wrong event.
@Suite(.watchdog) struct CodecMalformedInputTests {
    private func error(_ line: String) -> OKXDecodeError? {
        var codec = OKXCodec()
        do {
            let message = try codec.decode(line)
            Issue.record("decoded \(message) from malformed input \(line)")
            return nil
        } catch {
            return error
        }
    }

    @Test func truncatedFramesAreRefusedAtEveryLength() throws {
        let samples = [
            try FixtureFiles.lines("okx/ws/trades.jsonl")[0], try FixtureFiles.lines("okx/ws/tickers.jsonl")[0],
            try FixtureFiles.lines("okx/ws/books5.jsonl")[0], try FixtureFiles.lines("okx/ws/candle1m_okcoin_v5.jsonl")[0],
            try FixtureFiles.lines("okx/ws/events.jsonl")[0],
        ]
        for line in samples {
            let bytes = Array(line.utf8)
            for length in 0..<bytes.count {
                var codec = OKXCodec()
                let result: Result<OKXMessage, OKXDecodeError> = bytes[..<length].withUnsafeBufferPointer { prefix in
                    do throws(OKXDecodeError) { return .success(try codec.decode(prefix)) } catch { return .failure(error) }
                }
                if case .success(let message) = result {
                    Issue.record("prefix of \(length) bytes decoded to \(message)")
                }
            }
        }
    }

    @Test func truncationIsReportedAsMalformedJSON() {
        guard case .malformedJSON(_, let reason) = error(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"px":"1"#) else {
            Issue.record("expected malformedJSON")
            return
        }
        #expect(reason.contains("never closed") || reason.contains("end of frame"))
    }

    @Test func wrongTypesNameTheField() {
        let numberPrice = #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":30000.5,"sz":"1","side":"buy","ts":"1"}]}"#
        #expect(error(numberPrice) == .wrongType(field: "px", expected: "a string", offset: 76))
        let objectData = #"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":{"last":"1"}}"#
        guard case .wrongType(let field, let expected, _) = error(objectData) else {
            Issue.record("expected wrongType")
            return
        }
        #expect(field == "data" && expected == "an array")
        let stringChecksum = #"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1","checksum":"12"}]}"#
        guard case .wrongType(let checksumField, _, _) = error(stringChecksum) else {
            Issue.record("expected wrongType for checksum")
            return
        }
        #expect(checksumField == "checksum")
    }

    @Test func missingFieldsAreNamed() {
        #expect(error(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","sz":"1","side":"buy","ts":"1"}]}"#)
                == .missingField(field: "px", context: "trades data"))
        #expect(error(#"{"arg":{"channel":"trades","instId":"BTC-USDT"}}"#) == .missingField(field: "data", context: "push message"))
        #expect(error(#"{"arg":{"instId":"BTC-USDT"},"data":[]}"#) == .missingField(field: "arg.channel", context: "push message"))
        #expect(error(#"{"arg":{"channel":"books","instId":"BTC-USDT"},"data":[{"asks":[],"bids":[],"ts":"1"}]}"#)
                == .missingField(field: "action", context: "books push"))
        #expect(error(#"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"last":"1","lastSz":"1","askPx":"","askSz":"","bidPx":"","open24h":"1","high24h":"1","low24h":"1","vol24h":"1","volCcy24h":"1","ts":"1"}]}"#)
                == .missingField(field: "bidSz", context: "tickers data"))
        #expect(error(#"{"event":"error","msg":"x"}"#) == .missingField(field: "code", context: "error event"))
        #expect(error(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]}"#)
                == .missingField(field: "data[0]", context: "trades push (empty data array)"))
    }

    @Test func unknownChannelsAndEventsAreTypedErrors() {
        #expect(error(#"{"arg":{"channel":"bogus-channel","instId":"BTC-USDT"},"data":[{}]}"#) == .unknownChannel("bogus-channel"))
        #expect(error(#"{"event":"explode","arg":{"channel":"trades"}}"#) == .unknownEvent("explode"))
        #expect(error(#"{"op":"subscribe"}"#) == .unrecognizedMessage(reason: "neither 'event' nor 'arg' present"))
        #expect(error("ping") == .unrecognizedMessage(reason: "expected a JSON object or the text \"pong\""))
        #expect(error("") == .malformedJSON(offset: 0, reason: "empty frame"))
    }

    @Test func absurdNumbersAreRefused() {
        func invalidField(_ line: String) -> String? {
            guard case .invalidValue(let field, _, _) = error(line) else { return nil }
            return field
        }
        let trade = { (px: String, sz: String, ts: String) in
            #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":""# + px + #"","sz":""# + sz
                + #"","side":"buy","ts":""# + ts + #""}]}"#
        }
        #expect(invalidField(trade("1e400", "1", "1")) == "px")
        #expect(invalidField(trade("NaN", "1", "1")) == "px")
        #expect(invalidField(trade("-5", "1", "1")) == "px")
        #expect(invalidField(trade("999999999999999999999999999999", "1", "1")) == "px")
        #expect(invalidField(trade("1", "-0.1", "1")) == "sz")
        #expect(invalidField(trade("1", "0.0000000000001", "1")) == "sz")
        #expect(invalidField(trade("1", "1", "99999999999999999999")) == "ts")
        #expect(invalidField(trade("1", "1", "9223372036855")) == "ts")
        #expect(invalidField(trade("1", "1", "-1")) == "ts")
        #expect(invalidField(trade("1", "1", "")) == "ts")
        let checksum = #"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1","checksum":99999999999}]}"#
        #expect(invalidField(checksum) == "checksum")
        let seq = #"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1","seqId":1.5}]}"#
        #expect(invalidField(seq) == "seqId")
    }

    @Test func wrongValuesAreRefused() {
        #expect(error(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"long","ts":"1"}]}"#)
                == .invalidValue(field: "side", value: "long", reason: "expected \"buy\" or \"sell\""))
        guard case .invalidValue(let field, _, _) = error(#"{"arg":{"channel":"trades","instId":"btc_usdt"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#) else {
            Issue.record("expected invalid instId")
            return
        }
        #expect(field == "arg.instId")
        #expect(error(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"ETH-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#)
                == .invalidValue(field: "data.instId", value: "ETH-USDT", reason: "differs from arg.instId 'BTC-USDT'"))
        // A candle whose high is below its low cannot be right.
        guard case .invalidValue(_, _, let reason) = error(#"{"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[["1","5","4","6","5","1","1"]]}"#) else {
            Issue.record("expected invalid candle")
            return
        }
        #expect(reason.contains("low...high"))
        guard case .invalidValue(let candleField, _, _) = error(#"{"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[["1","5","5","5","5","1"]]}"#) else {
            Issue.record("expected candle field count error")
            return
        }
        #expect(candleField == "data[]")
        guard case .invalidValue(let levelField, _, _) = error(#"{"arg":{"channel":"books5","instId":"BTC-USDT"},"data":[{"asks":[["1","1"]],"bids":[],"ts":"1"}]}"#) else {
            Issue.record("expected book level error")
            return
        }
        #expect(levelField == "asks")
        #expect(error(#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"replace","data":[{"asks":[],"bids":[],"ts":"1"}]}"#)
                == .invalidValue(field: "action", value: "replace", reason: "expected \"snapshot\" or \"update\""))
    }

    @Test func structuralGarbageIsRefused() {
        for line in [#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]}}"#, #"{"arg" {"channel":"trades"}}"#,
                     #"{"arg":{"channel":"trades",},"data":[]}"#, #"{"data":[tru]}"#, "{\"msg\":\"a\u{01}b\"}",
                     String(repeating: "[", count: 10) + "{\"data\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
                     "{\"data\":" + String(repeating: "[", count: 100_000)] {
            var codec = OKXCodec()
            #expect(throws: OKXDecodeError.self) { try codec.decode(line) }
        }
        var codec = OKXCodec()
        #expect(throws: OKXDecodeError.nestingTooDeep(offset: 8 + OKXDecodeErrorDepth.offset)) {
            try codec.decode("{\"data\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}")
        }
    }
}

private enum OKXDecodeErrorDepth {
    /// `data` is read at depth 1, so the 31st nested '[' is where the limit bites.
    static let offset = JSONScanner.maximumDepth - 1
}

@Suite(.watchdog) struct CodecMutationTests {
    /// Seeded random byte flips, deletions and insertions in real frames: the codec either decodes or
    /// throws a typed error; it never traps. A mutated frame that still decodes must still be OKX-shaped.
    @Test func mutatedFramesNeverCrashTheDecoder() throws {
        var lines: [String] = []
        for file in FixtureFiles.webSocketFiles { lines += try FixtureFiles.lines(file).prefix(20) }
        var random = SplitMix64(seed: 2026)
        var decoded = 0
        var refused = 0
        for _ in 0..<20_000 {
            let bytes = FrameMutation.mutated(lines[Int(random.next() % UInt64(lines.count))], maximumEdits: 3, random: &random)
            var codec = OKXCodec()
            let result: Result<OKXMessage, OKXDecodeError> = bytes.withUnsafeBufferPointer { buffer in
                do throws(OKXDecodeError) { return .success(try codec.decode(buffer)) } catch { return .failure(error) }
            }
            switch result {
            case .success(let message):
                decoded += 1
                message.forEachMarketEvent { event in
                    if case .trade(let trade) = event { #expect(!trade.tradeId.rawValue.isEmpty) }
                    if case .candle(let candle) = event { #expect(candle.low <= candle.high) }
                }
            case .failure(let error):
                refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(decoded + refused == 20_000)
        #expect(refused > 10_000)
    }
}
