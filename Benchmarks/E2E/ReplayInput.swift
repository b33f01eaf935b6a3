import Foundation
import MarketData
import TradingCore

/// The replay's input: seeded synthetic OKX frames (trades, and a tickers frame every 10 steps so the
/// paper venue has a top of book to fill market orders against), written to a file first.
enum SyntheticInput {
    static let instrument: InstrumentId = {
        guard let id = try? InstrumentId(parsing: "BTC-USDT") else { fatalError("BTC-USDT must parse") }
        return id
    }()
    static let start = Timestamp(millisecondsSinceEpoch: 1_764_028_800_000)  // 2025-11-25T00:00:00Z

    /// The generator the file and the RSS run use: BTC-USDT, 100 ms steps, trades on ~70% of steps.
    static func market(seed: UInt64) -> SyntheticMarket {
        SyntheticMarket(instruments: [instrument], seed: seed, start: start, channels: [.trades, .tickers])
    }

    /// Writes frames until `trades` trade frames are in the file; returns (trades, tickers) written.
    /// A file already there for the same seed and count is reused (generation is deterministic).
    static func write(trades: Int, seed: UInt64, to path: String) throws -> (trades: Int, tickers: Int) {
        let countsPath = path + ".counts"
        if FileManager.default.fileExists(atPath: path), let text = try? String(contentsOfFile: countsPath, encoding: .utf8) {
            let parts = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if parts.count == 2 { return (parts[0], parts[1]) }
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw HarnessError.io("cannot create \(path)")
        }
        defer { try? handle.close() }
        var market = market(seed: seed)
        var tradeCount = 0
        var tickerCount = 0
        var buffer = ""
        buffer.reserveCapacity(1 << 22)
        while tradeCount < trades {
            for frame in market.nextFrames() {
                if frame.text.hasPrefix(#"{"arg":{"channel":"trades""#) {
                    guard tradeCount < trades else { continue }
                    tradeCount += 1
                } else {
                    tickerCount += 1
                }
                buffer += frame.text
                buffer += "\n"
            }
            if buffer.utf8.count > 1 << 22 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        try "\(tradeCount) \(tickerCount)\n".write(toFile: countsPath, atomically: true, encoding: .utf8)
        return (tradeCount, tickerCount)
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case io(String)
    case setup(String)

    var description: String {
        switch self {
        case .io(let reason): "I/O: \(reason)"
        case .setup(let reason): "setup: \(reason)"
        }
    }
}
