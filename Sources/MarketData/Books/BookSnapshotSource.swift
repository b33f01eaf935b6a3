/// Where a book's snapshot comes from: the body of OKX's REST `GET /api/v5/market/books` for an
/// instrument and depth (the feed turns it into a snapshot frame; see ``BookSnapshotFrame``).
/// History's `BookSnapshotDownloader` is the one the runtime uses; tests may serve their own.
public struct BookSnapshotSource: Sendable {
    private let fetch: @Sendable (_ instId: String, _ depth: Int) async throws -> [UInt8]

    public init(_ fetch: @escaping @Sendable (_ instId: String, _ depth: Int) async throws -> [UInt8]) {
        self.fetch = fetch
    }

    func callAsFunction(_ instId: String, _ depth: Int) async throws -> [UInt8] { try await fetch(instId, depth) }

    /// The levels a channel keeps: 50 for `books50-l2-tbt`, else 400 (REST's most).
    static func depth(of channel: String) -> Int { channel == "books50-l2-tbt" ? 50 : 400 }
}
