import AsyncHTTPClient
import Logging
import MarketData

/// Books' snapshots from OKX's REST `GET /api/v5/market/books` for the live feed (OKX's books
/// channels send none since August 2026), within the endpoint's rate limit and retried as history
/// downloads are.
public struct BookSnapshotDownloader: Sendable {
    public let options: HistoryDownloader.Options
    public let logger: Logger

    /// - Parameter options: where to ask; its budget (history's 20 requests per 2 s by default) is half what the endpoint allows.
    public init(options: HistoryDownloader.Options, logger: Logger = Logger(label: "runtime.books")) {
        self.options = options
        self.logger = logger
    }

    /// The feed's snapshot source.
    public var source: BookSnapshotSource {
        BookSnapshotSource { instId, depth in try await fetch(instId: instId, depth: depth) }
    }

    /// The body of one answer (the feed reads it into a snapshot frame).
    public func fetch(instId: String, depth: Int) async throws -> [UInt8] {
        let request = HistoryRequest(path: "/api/v5/market/books", query: [.init("instId", instId), .init("sz", String(depth))])
        return try await HTTPClient.withHTTPClient { client in
            var exchange = PublicRESTExchange(options: options, logger: logger, client: client)
            return try await exchange.get(request, subject: instId) { body throws(HistoryPageError) -> OKXAnswer<[UInt8]> in
                switch try OKXEnvelope.read(body) {
                case .data: .data(body)
                case .okxError(let code, let message): .okxError(code: code, message: message)
                }
            }
        }
    }
}
