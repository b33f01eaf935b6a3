import Foundation

/// The harness's command line.
struct HarnessOptions {
    /// Trade messages in the generated replay file.
    var events = 1_000_000
    /// Replay this file instead of generating one (raw OKX frames or `runtime record` lines).
    var file: String?
    var seed: UInt64 = 42
    /// Skip the database parts (a), the engine alone.
    var database = true
    /// Rows for the writer comparison (batching writer and psql \copy); one-row INSERTs use `insertRows`.
    var writerRows = 200_000
    var insertRows = 20_000
    /// Only the writer comparison (batching writer vs one-row INSERTs vs psql \copy), no replays.
    var writerOnly = false
    /// When set, only the peak-RSS replay of this many trade messages runs.
    var rssEvents: Int?
    /// When set, only the candles-only replay of this many 1-minute bars runs (bar execution).
    var candles: Int?
    /// With `candles`: also write the bars as CSV here (for backtesting.py, side by side).
    var candlesCSV: String?

    static let usage = """
        usage: e2e [--events N] [--file PATH] [--seed S] [--no-db] [--writer-rows N] [--insert-rows N]
               e2e --writer-only [--writer-rows N] [--insert-rows N]
                                    only the writer comparison table (no replays)
               e2e --rss [N]        peak RSS over an N-trade replay (default 10,000,000), nothing else
               e2e --candles N [--csv PATH]
                                    a candles-only replay of N seeded 1-minute bars (SMACrossover 10/20 on
                                    closes, bar execution), persistence off, then again with the report's
                                    statistics worked out (as runtime replay does); --csv writes the same bars

        Replays N seeded synthetic OKX trade frames (BTC-USDT, interleaved with one tickers frame per
        10 synthetic steps so the paper venue has a top of book) through decode -> quality -> SMACrossover
        plugin -> risk -> paper fills -> accounting, (a) persistence off, (b) market data and trading
        records persisted to an embedded PostgreSQL cluster (temporary, migrated); then the batching
        writer's rows/s against one-row INSERTs and psql's \\copy of the same rows.
        """

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: [String]) throws {
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw Invalid(description: "\(name) needs a value") }
            return arguments[index]
        }
        func count(_ name: String) throws -> Int {
            let text = try value(name).replacingOccurrences(of: "_", with: "")
            guard let number = Int(text), number > 0 else { throw Invalid(description: "\(name) needs a positive whole number, got \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--events", "-n": events = try count("--events")
            case "--file": file = try value("--file")
            case "--seed":
                guard let number = UInt64(try value("--seed")) else { throw Invalid(description: "--seed needs a whole number") }
                seed = number
            case "--no-db": database = false
            case "--writer-rows": writerRows = try count("--writer-rows")
            case "--insert-rows": insertRows = try count("--insert-rows")
            case "--writer-only": writerOnly = true
            case "--candles": candles = try count("--candles")
            case "--csv": candlesCSV = try value("--csv")
            case "--rss":
                if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
                    rssEvents = try count("--rss")
                } else {
                    rssEvents = 10_000_000
                }
            default: throw Invalid(description: "unknown argument \(arguments[index])")
            }
            index += 1
        }
        if writerOnly && !database {
            throw Invalid(description: "--writer-only needs the database; drop --no-db")
        }
    }
}
