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

/// Reads a file of frames line by line in 8 MB chunks, handing each line's bytes to `body` without
/// copying (raw OKX frames). Lines in the `runtime record` format are unwrapped first (that costs a
/// String per frame; raw frames cost nothing).
struct FrameFileReader {
    let path: String

    func forEachFrame(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let file = fopen(path, "rb") else { throw HarnessError.io("cannot open \(path)") }
        defer { fclose(file) }
        let chunk = 8 << 20
        var buffer = [UInt8](repeating: 0, count: chunk * 2)
        var filled = 0
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a line longer than the buffer
            let read = buffer.withUnsafeMutableBufferPointer { pointer in
                fread(pointer.baseAddress! + filled, 1, min(chunk, pointer.count - filled), file)
            }
            filled += read
            let atEnd = read == 0
            var consumed = 0
            try buffer.withUnsafeBufferPointer { pointer in
                guard let base = pointer.baseAddress else { return }
                var lineStart = 0
                // memchr finds each newline with vector instructions (a byte-by-byte loop was
                // about 5% of the replay's time).
                while lineStart < filled, let found = memchr(base + lineStart, 0x0A, filled - lineStart) {
                    let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                    try emit(UnsafeBufferPointer(rebasing: pointer[lineStart..<index]), body)
                    lineStart = index + 1
                }
                if atEnd, lineStart < filled {
                    try emit(UnsafeBufferPointer(rebasing: pointer[lineStart..<filled]), body)
                    lineStart = filled
                }
                consumed = lineStart
            }
            if atEnd { return }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    let base = pointer.baseAddress!
                    memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
    }

    private static let recordingPrefix = Array(#"{"recv_ns""#.utf8)

    private func emit(_ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var line = line
        if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        guard !line.isEmpty else { return }
        if line.count > Self.recordingPrefix.count, line.starts(with: Self.recordingPrefix) {
            guard let frame = try FrameRecording.parse(line: String(decoding: line, as: UTF8.self)) else { return }
            var text = frame.text
            try text.withUTF8 { try body($0) }
        } else {
            try body(line)
        }
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
