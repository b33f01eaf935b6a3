// OKX WebSocket message decode: the project's OKXCodec (a byte scanner straight into fixed-point
// domain values) against Foundation's JSONDecoder into Codable structs mirroring the same
// messages, on the same bytes: the recorded frames in Tests/Fixtures/okx/ws. The Codable
// baseline keeps prices as String (it does less work than the codec, which also parses every
// number into FixedPoint and the instrument id), so the ratio is a conservative one.
import Benchmark
import Foundation
import MarketData
import TradingCore

/// Every non-empty line of a fixture file, as bytes.
func fixtureFrames(_ name: String) -> [[UInt8]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent("Tests/Fixtures/okx/ws/\(name).jsonl")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        fatalError("fixture \(url.path) is missing: run the benchmarks from a full checkout")
    }
    return text.split(separator: "\n").filter { !$0.isEmpty }.map { Array($0.utf8) }
}

/// Frames of one channel only (the fixture files also hold subscribe acknowledgements).
func dataFrames(_ name: String, channel: String) -> [[UInt8]] {
    fixtureFrames(name).filter { frame in
        let text = String(decoding: frame, as: UTF8.self)
        return text.contains("\"data\"") && text.contains("\"channel\":\"\(channel)\"")
    }
}

struct Argument: Codable { var channel: String; var instId: String? }

struct TradeMessage: Codable {
    struct Trade: Codable { var instId: String; var tradeId: String; var px: String; var sz: String; var side: String; var ts: String; var count: String? }
    var arg: Argument
    var data: [Trade]
}

struct TickerMessage: Codable {
    struct Ticker: Codable {
        var instType: String; var instId: String; var last: String; var lastSz: String
        var askPx: String; var askSz: String; var bidPx: String; var bidSz: String
        var open24h: String; var high24h: String; var low24h: String
        var sodUtc0: String?; var sodUtc8: String?; var volCcy24h: String; var vol24h: String; var ts: String
    }
    var arg: Argument
    var data: [Ticker]
}

struct BookMessage: Codable {
    struct Book: Codable { var asks: [[String]]; var bids: [[String]]; var instId: String?; var ts: String; var checksum: Int?; var seqId: Int?; var prevSeqId: Int? }
    var arg: Argument
    var action: String?
    var data: [Book]
}

let trades = dataFrames("trades", channel: "trades")
let tickers = dataFrames("tickers", channel: "tickers")
let books5 = dataFrames("books5", channel: "books5")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
        // 1,000 operations per sample: the per-sample overhead of the runner (clock and malloc
        // statistics reads) stays out of the per-operation figures.
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 200_000
    )

    // What the runner itself costs per sample (time and allocations): subtract from the rest.
    Benchmark("baseline: empty iteration") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(benchmark) }
    }

    // One iteration decodes one frame (cycling through the fixture's frames). Each sample starts
    // with a fresh decoder that first reads every frame once, as a feed connection's long-lived
    // decoder would have (the codec's instrument cache fills, JSONDecoder's metadata caches warm),
    // so mallocs per sample are those of decoding alone.
    func codec(_ label: String, _ frames: [[UInt8]]) {
        Benchmark("\(label): OKXCodec") { benchmark in
            var codec = OKXCodec()
            for frame in frames { frame.withUnsafeBufferPointer { bytes in blackHole(try? codec.decode(bytes)) } }
            benchmark.startMeasurement()
            var index = 0
            for _ in benchmark.scaledIterations {
                let frame = frames[index]
                index = index + 1 == frames.count ? 0 : index + 1
                frame.withUnsafeBufferPointer { bytes in blackHole(try? codec.decode(bytes)) }
            }
        }
    }
    func foundation<Message: Decodable>(_ label: String, _ frames: [[UInt8]], _ type: Message.Type) {
        let data = frames.map { Data($0) }
        Benchmark("\(label): JSONDecoder") { benchmark in
            let decoder = JSONDecoder()
            for frame in data { blackHole(try? decoder.decode(Message.self, from: frame)) }
            benchmark.startMeasurement()
            var index = 0
            for _ in benchmark.scaledIterations {
                let frame = data[index]
                index = index + 1 == data.count ? 0 : index + 1
                blackHole(try? decoder.decode(Message.self, from: frame))
            }
        }
    }
    codec("trade frame", trades)
    foundation("trade frame", trades, TradeMessage.self)
    codec("ticker frame", tickers)
    foundation("ticker frame", tickers, TickerMessage.self)
    codec("books5 frame", books5)
    foundation("books5 frame", books5, BookMessage.self)
}
