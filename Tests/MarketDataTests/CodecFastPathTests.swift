import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// The one-pass path for usual push frames (`OKXCodec.decodeUsualPush`) and the general path that
/// validates first (`OKXCodec.decodeValidatingFirst`) agree: same values for every frame the fast path
/// takes, and `decode` reports the general path's error for every frame it refuses.
@Suite(.watchdog) struct CodecFastPathTests {
    enum Path { case public_, fast, general }

    static func outcome(_ bytes: [UInt8], _ path: Path, codec: inout OKXCodec) -> Result<OKXMessage, OKXDecodeError> {
        bytes.withUnsafeBufferPointer { buffer in
            do throws(OKXDecodeError) {
                switch path {
                case .public_: return .success(try codec.decode(buffer))
                case .fast: return .success(try codec.decodeUsualPush(buffer))
                case .general: return .success(try codec.decodeValidatingFirst(buffer))
                }
            } catch {
                return .failure(error)
            }
        }
    }

    /// Decodes `line` by both paths (fresh codecs) and checks they agree; returns whether the fast path took it.
    @discardableResult
    static func expectAgreement(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let bytes = Array(line.utf8)
        var publicCodec = OKXCodec()
        var fastCodec = OKXCodec()
        var generalCodec = OKXCodec()
        let viaDecode = outcome(bytes, .public_, codec: &publicCodec)
        let viaFast = outcome(bytes, .fast, codec: &fastCodec)
        let viaGeneral = outcome(bytes, .general, codec: &generalCodec)
        #expect(viaDecode == viaGeneral, "decode differs from the general path for \(line)", sourceLocation: sourceLocation)
        if case .success(let message) = viaFast {
            #expect(viaGeneral == .success(message), "fast path differs from the general path for \(line)", sourceLocation: sourceLocation)
            return true
        }
        return false
    }

    static let trade = #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"338476308","px":"30243.5","sz":"0.001","side":"buy","ts":"1652459226050"}]}"#

    @Test(arguments: FixtureFiles.webSocketFiles)
    func everyFixtureFrameDecodesAlikeByBothPaths(file: String) throws {
        for line in try FixtureFiles.lines(file) {
            let tookFastPath = Self.expectAgreement(line)
            // Market-data pushes in OKX's own layout are what the fast path is for.
            let isMarketPush = line.contains("\"data\"") && !line.contains("\"event\"")
                && OKXCodecChannelProbe.decodesMarketData(line)
            if isMarketPush { #expect(tookFastPath, "fast path declined \(line)") }
        }
    }

    @Test func whitespaceAnywhereDecodesTheSame() {
        #expect(Self.expectAgreement(" \n{ \"arg\" : { \"channel\" : \"trades\" , \"instId\" : \"BTC-USDT\" } ,\t\"data\" : [ { \"instId\" : \"BTC-USDT\" , \"tradeId\" : \"1\" , \"px\" : \"2.5\" , \"sz\" : \"3\" , \"side\" : \"sell\" , \"ts\" : \"4\" } ] } \r\n"))
    }

    @Test func fieldsInUnusualOrderDecodeTheSame() {
        // Item fields reversed, unknown fields with nested values, arg with extra keys before the channel.
        #expect(Self.expectAgreement(#"{"arg":{"instType":"SPOT","instId":"BTC-USDT","channel":"trades"},"data":[{"extra":{"a":[1,{"b":null}]},"count":"3","ts":"4","side":"buy","sz":"3","px":"2.5","tradeId":"1","instId":"BTC-USDT"}]}"#))
        // Unknown top-level keys before arg and between arg and data.
        #expect(Self.expectAgreement(#"{"id":"7","arg":{"channel":"trades","instId":"BTC-USDT"},"x":[true,false],"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#))
        // A ticker with its fields shuffled and empty book sides.
        #expect(Self.expectAgreement(#"{"arg":{"channel":"tickers","instId":"ETH-USDT-SWAP"},"data":[{"ts":"1652459226240","bidSz":"","askSz":"","bidPx":"","askPx":"","volCcy24h":"1.5","vol24h":"10","low24h":"1","high24h":"3","open24h":"2","lastSz":"0.1","last":"2.5","instId":"ETH-USDT-SWAP","instType":"SWAP"}]}"#))
    }

    @Test func layoutsTheFastPathLeavesToTheGeneralOneStillDecode() {
        // data before arg, action after data, keys after data, control events: decoded by the general path.
        let dataFirst = #"{"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}],"arg":{"channel":"trades","instId":"BTC-USDT"}}"#
        #expect(!Self.expectAgreement(dataFirst))
        var codec = OKXCodec()
        #expect(throws: Never.self) { _ = try codec.decode(dataFirst) }
        let actionLast = #"{"arg":{"channel":"books","instId":"BTC-USDT"},"data":[{"asks":[["1","2","0","3"]],"bids":[],"ts":"1","seqId":5,"prevSeqId":-1}],"action":"snapshot"}"#
        #expect(!Self.expectAgreement(actionLast))
        guard case .market(.book(let book)) = try? codec.decode(actionLast) else {
            Issue.record("a books snapshot with its action last did not decode")
            return
        }
        #expect(book.action == .snapshot)
        #expect(!Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}],"extra":1}"#))
        #expect(!Self.expectAgreement(#"{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a"}"#))
        #expect(!Self.expectAgreement("pong"))
    }

    @Test func repeatedKeysDecodeAsTheGeneralPathReadsThem() {
        // The general path keeps the last value of a repeated key; the fast path must never disagree.
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"ETH-USDT"},"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}],"data":[{"tradeId":"2","px":"2","sz":"2","side":"sell","ts":"2"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","action":"snapshot","data":[{"asks":[],"bids":[],"ts":"1"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"1","px":"7","sz":"1","side":"buy","ts":"1"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"trades","channel":"tickers","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#)
    }

    @Test func escapedStringsAreReadOrRefusedAlike() {
        // An escaped key is not the key it spells; escaped values are refused where plain text is required.
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","p\u0078":"1","sz":"1","side":"buy","ts":"1"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":"3\u0030","sz":"1","side":"buy","ts":"1"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC\u002dUSDT"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#)
        Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"a\"b","px":"1","sz":"1","side":"buy","ts":"1"}]}"#)
        // Escapes in fields the codec skips are fine.
        #expect(Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT","note":"a\"b\\c\u00e9"},"data":[{"tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","memo":"\"\"\\"}]}"#))
    }

    @Test func valuesOnTheEdgeOfTheFastNumberPathDecodeAlike() {
        let values = ["0", "00012", "0.5", "0.000000000001", "0.0000000000010", "1.", ".5", "1.2.3", "-1", "+1", "1e3",
                      "9999999999999999999", "99999999999999999999", "1234567.123456789012", "0000000000000000000.1", ""]
        for value in values {
            Self.expectAgreement(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"tradeId":"1","px":""# + value
                                 + #"","sz":""# + value + #"","side":"buy","ts":""# + value + #""}]}"#)
        }
    }

    @Test func plainDecimalReadsExactlyWhatFixedPointParseReads() {
        var random = SplitMix64(seed: 4)
        let alphabet = Array("0123456789.-e".utf8)
        var samples: [[UInt8]] = [Array("30243.5".utf8), Array("0.00000938".utf8), Array("1000000000000000000".utf8)]
        for _ in 0..<20_000 {
            let length = Int(random.next() % 22)
            samples.append((0..<length).map { _ in
                // Mostly digits, so that many samples are numbers.
                random.next() % 4 == 0 ? alphabet[Int(random.next() % UInt64(alphabet.count))] : UInt8(ascii: "0") + UInt8(random.next() % 10)
            })
        }
        var fastCount = 0
        for sample in samples {
            sample.withUnsafeBufferPointer { bytes in
                guard let fast = FieldParsing.plainDecimal(bytes) else { return }
                fastCount += 1
                #expect(FixedPoint.parse(bytes) == .success(fast), "\(String(decoding: sample, as: UTF8.self))")
            }
        }
        #expect(fastCount > 1_000)
    }

    @Test func symbolKeysTellEveryIdApart() {
        var random = SplitMix64(seed: 9)
        for length in 0...SymbolKey.maximumLength {
            for _ in 0..<200 {
                let text = (0..<length).map { _ in UInt8(ascii: "A") + UInt8(random.next() % 26) }
                var other = text
                if length > 0 { other[Int(random.next() % UInt64(length))] &+= 1 }
                let (key, otherKey, again) = text.withUnsafeBufferPointer { a in
                    other.withUnsafeBufferPointer { b in (SymbolKey(a), SymbolKey(b), SymbolKey(a)) }
                }
                #expect(key != nil && key == again)
                #expect(length == 0 || key != otherKey)
            }
        }
        let long = Array(repeating: UInt8(ascii: "A"), count: SymbolKey.maximumLength + 1)
        #expect(long.withUnsafeBufferPointer { SymbolKey($0) } == nil)
    }

    @Test func manyInterleavedInstrumentsResolveToTheirOwnIds() throws {
        // More instruments than the direct-mapped table has slots, so slots collide and get reused.
        var codec = OKXCodec()
        let names = (0..<600).map { "C\($0)-USDT" } + ["BTC-USD-250328-100000-C", "ABCDEFGHIJKLMNOPQRST-ABCDEFGHIJKLMNOPQRST-SWAP"]
        for round in 0..<3 {
            for (index, name) in names.enumerated() where (index + round) % 2 == 0 || round == 2 {
                let line = #"{"arg":{"channel":"trades","instId":""# + name + #""},"data":[{"instId":""# + name
                    + #"","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#
                guard case .market(.trade(let trade)) = try codec.decode(line) else {
                    Issue.record("\(name) did not decode to a trade")
                    continue
                }
                #expect(trade.instrument.symbol == name)
            }
        }
        // A data.instId differing from arg.instId only past the first words is still caught.
        #expect(throws: OKXDecodeError.self) {
            try codec.decode(#"{"arg":{"channel":"trades","instId":"BTC-USD-250328-100000-C"},"data":[{"instId":"BTC-USD-250328-100000-P","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}]}"#)
        }
    }

    @Test func mutatedFramesDecodeAlikeByBothPaths() throws {
        var lines: [String] = []
        for file in FixtureFiles.webSocketFiles { lines += try FixtureFiles.lines(file).prefix(10) }
        var random = SplitMix64(seed: 77)
        var fastAccepted = 0
        for _ in 0..<10_000 {
            let bytes = FrameMutation.mutated(lines[Int(random.next() % UInt64(lines.count))], maximumEdits: 2, random: &random)
            var publicCodec = OKXCodec()
            var fastCodec = OKXCodec()
            var generalCodec = OKXCodec()
            let viaGeneral = Self.outcome(bytes, .general, codec: &generalCodec)
            #expect(Self.outcome(bytes, .public_, codec: &publicCodec) == viaGeneral)
            if case .success(let message) = Self.outcome(bytes, .fast, codec: &fastCodec) {
                fastAccepted += 1
                #expect(viaGeneral == .success(message), "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(fastAccepted > 500)
    }
}

/// Whether a frame's `arg.channel` is one the codec turns into market events.
private enum OKXCodecChannelProbe {
    static func decodesMarketData(_ line: String) -> Bool {
        guard let range = line.range(of: #""channel":""#) else { return false }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return false }
        return OKXCodec.decodesMarketData(channel: String(rest[..<end]))
    }
}
