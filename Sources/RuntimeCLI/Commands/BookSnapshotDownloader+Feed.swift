import Foundation
import History
import Logging
import MarketData
import RuntimeHost

extension BookSnapshotDownloader {
    /// The live feed's snapshot source: OKX's REST API (`OKX_REST_URL` overrides it, as for history
    /// downloads), a few quick retries, since the book waits for it.
    static func forFeed(logger: Logger) throws -> BookSnapshotSource {
        let baseURL = try HistoryDownloadCommand.baseURL(ProcessInfo.processInfo.environment)
        return BookSnapshotDownloader(options: .init(baseURL: baseURL, retry: RetryPolicy(maximumAttempts: 3), requestTimeout: .seconds(10)),
                                      logger: logger).source
    }
}
