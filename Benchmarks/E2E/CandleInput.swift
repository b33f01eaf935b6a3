import Foundation
import MarketData
import TradingCore

/// The candles-only workload (issue 19): seeded 1-minute BTC-USDT bars as confirmed OKX
/// `candle1m` pushes, the only input a quant has for most history, replayed with bar execution.
/// The same bars go to a CSV (`Date,Open,High,Low,Close,Volume`) for backtesting.py, so both
/// run the same series side by side.
enum CandleInput {
    /// Writes `count` bars as frames to `path` (and as CSV to `csv`); returns the file's path.
    /// A random walk of about 0.1 % per minute from 60,000, with wicks and volume, from `seed`.
    static func write(count: Int, seed: UInt64, to path: String, csv: String?) throws {
        var random = SplitMix64(seed: seed)
        var frames = ""
        var table = "Date,Open,High,Low,Close,Volume\n"
        frames.reserveCapacity(1 << 22)
        // Written aside and moved into place when complete: a later run reuses the file.
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw HarnessError.io("cannot create \(partial)")
        }
        var close = 60_000.0
        let startMs = SyntheticInput.start.millisecondsSinceEpoch
        for index in 0..<count {
            let open = close
            close = max(1, open * (1 + (random.nextUnitInterval() - 0.5) * 0.002))
            let high = max(open, close) * (1 + random.nextUnitInterval() * 0.0005)
            let low = min(open, close) * (1 - random.nextUnitInterval() * 0.0005)
            let volume = 0.5 + random.nextUnitInterval() * 5
            let ts = startMs + Int64(index) * 60_000
            let fields = [String(ts), text(open), text(high), text(low), text(close), String(format: "%.4f", volume), "0", "0", "1"]
            frames += #"{"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[["# + fields.map { "\"\($0)\"" }.joined(separator: ",") + "]]}\n"
            if csv != nil {
                let date = Date(timeIntervalSince1970: Double(ts) / 1000)
                table += "\(Self.iso.string(from: date)),\(text(open)),\(text(high)),\(text(low)),\(text(close)),\(String(format: "%.4f", volume))\n"
            }
            if frames.utf8.count > 1 << 22 {
                handle.write(Data(frames.utf8))
                frames.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(frames.utf8))
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        if let csv { try table.write(toFile: csv, atomically: true, encoding: .utf8) }
    }

    /// A price on the instrument's 0.1 grid.
    private static func text(_ price: Double) -> String { String(format: "%.1f", price) }

    nonisolated(unsafe) private static let iso: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()
}
