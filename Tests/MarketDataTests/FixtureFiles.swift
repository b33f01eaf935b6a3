import Foundation

/// The fixture tree shipped with the tests (Tests/Fixtures), found from this source file.
enum FixtureFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    static func lines(_ relativePath: String) throws -> [String] {
        let text = try String(contentsOf: url(relativePath), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Every WebSocket fixture file (relative paths), public and private.
    static let webSocketFiles = [
        "okx/ws/bbo_tbt.jsonl", "okx/ws/books5.jsonl", "okx/ws/books_l2_tbt_snapshot_update.jsonl",
        "okx/ws/books_parse_only.jsonl", "okx/ws/books_snapshot_update.jsonl", "okx/ws/candle1m.jsonl",
        "okx/ws/candle1m_okcoin_v5.jsonl", "okx/ws/events.jsonl", "okx/ws/other_public.jsonl",
        "okx/ws/tickers.jsonl", "okx/ws/trades.jsonl", "okx/ws/private/orders.jsonl",
    ]
}
