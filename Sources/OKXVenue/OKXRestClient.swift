import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import OKXTrading
import TradingCore

/// Signed requests to OKX's private REST API over AsyncHTTPClient: a thin shell, the decisions
/// (what an answer means for an order) are the pure core's.
///
/// Every request is signed for the current venue time (``OKXVenueClock``) over the exact path,
/// query and body sent; demo credentials add `x-simulated-trading: 1`; place and amend carry
/// `expTime`. A failure before anything could reach OKX (connection refused) is reported as not
/// written; anything later (timeout, a drop, an unreadable answer, a 5xx) as written, so the order
/// is looked up instead of sent again. Credentials never reach the log.
public final class OKXRestClient: Sendable {
    /// Where and how long to wait.
    public struct Configuration: Sendable, Hashable {
        /// `https://www.okx.com` (or a test server's URL), without a trailing slash.
        public var baseURL: String
        /// The deadline of one request, answer included. Shorter than the order timing's expiry is
        /// fine: a timed-out order request is in doubt and looked up, never resent.
        public var requestTimeout: TimeAmount
        /// Connections to OKX at once. A request waiting for a free connection counts against its
        /// deadline and, timing out, is treated as possibly sent (in doubt): keep this above the
        /// requests in flight at once.
        public var maximumConnections: Int

        public init(baseURL: String = "https://www.okx.com", requestTimeout: TimeAmount = .seconds(5), maximumConnections: Int = 32) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.requestTimeout = requestTimeout
            self.maximumConnections = max(1, maximumConnections)
        }
    }

    /// An answer as received.
    struct Answer: Sendable {
        var status: Int
        var body: String
    }

    public let configuration: Configuration
    let signer: OKXRequestSigner
    let clock: OKXVenueClock
    let client: HTTPClient
    let logger: Logger
    let codec = OKXPrivateCodec()

    /// A client on its own HTTP connection pool; call ``shutdown()`` when done.
    public init(configuration: Configuration, signer: OKXRequestSigner, clock: OKXVenueClock, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.signer = signer
        self.clock = clock
        self.logger = logger
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .seconds(5), read: configuration.requestTimeout)
        http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maximumConnections)
        // Never follow redirects: a redirect may strip the signature headers, and a place request must not be sent twice.
        http.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: http)
    }

    /// Closes the connection pool.
    public func shutdown() async throws { try await client.shutdown() }

    /// One signed request. `signed: false` for public endpoints (`/public/time`).
    func send(_ method: OKXHTTPMethod, _ requestPath: String, body: String = "", expiresAt: Timestamp? = nil,
              signed: Bool = true) async -> Result<Answer, OKXTransportFailure> {
        var request = HTTPClientRequest(url: configuration.baseURL + requestPath)
        request.method = method == .get ? .GET : .POST
        if signed {
            for header in signer.restHeaders(method: method, requestPath: requestPath, body: body, at: clock.now(), expiresAt: expiresAt) {
                request.headers.add(name: header.name, value: header.value)
            }
        }
        if method == .post { request.body = .bytes(ByteBuffer(string: body)) }
        do {
            let response = try await client.execute(request, timeout: configuration.requestTimeout)
            let buffer = try await response.body.collect(upTo: 16 << 20)
            return .success(Answer(status: Int(response.status.code), body: String(buffer: buffer)))
        } catch {
            let failure = OKXTransportFailure(written: !Self.failedBeforeWriting(error), reason: "\(method.rawValue) \(requestPath.prefix(80)): \(error)")
            logger.warning("okx rest: request failed", metadata: ["path": "\(requestPath.prefix(80))", "written": "\(failure.written)",
                                                                  "error": "\(error)"])
            return .failure(failure)
        }
    }

    /// Errors that prove the request never left: the connection was never established.
    static func failedBeforeWriting(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }
}
