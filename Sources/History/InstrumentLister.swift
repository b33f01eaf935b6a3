import AsyncHTTPClient
import Logging

/// Asks OKX's public REST API which instruments it lists and with which trading rules
/// (`GET /api/v5/public/instruments`), within the same rate budget and retries as history downloads.
public struct InstrumentLister: Sendable {
    /// One listing request: an instrument type and, for options (which OKX lists per underlying),
    /// the instrument family.
    public struct Query: Sendable, Hashable, CustomStringConvertible {
        public var instType: String
        public var instFamily: String?
        public init(instType: String, instFamily: String? = nil) {
            self.instType = instType
            self.instFamily = instFamily
        }
        var request: HistoryRequest {
            HistoryRequest(path: "/api/v5/public/instruments",
                           query: [.init("instType", instType)] + (instFamily.map { [.init("instFamily", $0)] } ?? []))
        }
        public var description: String { instFamily.map { "\(instType) \($0)" } ?? instType }
    }

    public let options: HistoryDownloader.Options
    public let logger: Logger

    public init(options: HistoryDownloader.Options, logger: Logger = Logger(label: "runtime.instruments")) {
        self.options = options
        self.logger = logger
    }

    /// Every instrument the queries list, in OKX's order, query by query.
    /// - Throws: ``HistoryError/requestFailed(instrument:request:attempts:failure:)`` (the
    ///   "instrument" being the query) when OKX cannot be reached or refuses a query.
    public func list(_ queries: [Query]) async throws -> [ListedInstrument] {
        try await HTTPClient.withHTTPClient { client in
            var exchange = PublicRESTExchange(options: options, logger: logger, client: client)
            var listed: [ListedInstrument] = []
            for query in queries {
                listed += try await exchange.get(query.request, subject: query.description, read: ListedInstrument.read)
            }
            return listed
        }
    }
}
