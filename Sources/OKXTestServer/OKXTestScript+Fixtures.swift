import Foundation

extension OKXTestScript {
    /// The 2022 BTC-USDT captures in Tests/Fixtures (books5, then the first 50 trades frames), with
    /// each `ts` restamped to now plus 100 ms per frame, so that a live host's staleness check takes
    /// them as current; everything else byte for byte as OKX sent it.
    public static func restampedBTCUSDTFixtureFrames(packageRoot: URL) throws -> [String] {
        func lines(_ file: String, prefix: Int = .max) throws -> [String] {
            let path = packageRoot.appendingPathComponent("Tests/Fixtures/okx/ws/\(file)").path
            return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").prefix(prefix).map(String.init)
                .filter { $0.contains("\"instId\":\"BTC-USDT\"") }
        }
        let frames = try lines("books5.jsonl") + lines("trades.jsonl", prefix: 50)
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let pattern = try NSRegularExpression(pattern: #""ts":"[0-9]+""#)
        return frames.enumerated().map { index, frame in
            let range = NSRange(frame.startIndex..., in: frame)
            return pattern.stringByReplacingMatches(in: frame, range: range, withTemplate: "\"ts\":\"\(start + Int64(index) * 100)\"")
        }
    }
}
