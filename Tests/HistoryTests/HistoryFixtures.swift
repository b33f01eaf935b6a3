import Foundation
import OKXTestServer

/// The real data the local OKX REST server serves in these tests: 11 minutes of real BTC-USDT
/// trades (Tests/Fixtures/market, MIT), and one-second and one-minute candles built from them.
enum HistoryFixtures {
    static let instrument = "BTC-USDT"

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func trades(limit: Int = .max) throws -> [OKXRestScript.TradeRow] {
        let url = packageRoot.appendingPathComponent("Tests/Fixtures/market/binance_spot_btcusdt_trades_2024-08-08T2354Z_to_2024-08-09T0005Z.csv")
        return OKXRestFixtures.trades(csv: try String(contentsOf: url, encoding: .utf8), limit: limit)
    }

    /// One-second candles of the first `trades` trades.
    static func secondCandles(trades: Int = 6_000) throws -> [OKXRestScript.CandleRow] {
        OKXRestFixtures.candles(from: try self.trades(limit: trades), seconds: 1)
    }

    /// A scratch folder of its own for one test.
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "history-tests/\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The records' fields as they appear in the file's frames, for comparing with the source rows.
    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}
