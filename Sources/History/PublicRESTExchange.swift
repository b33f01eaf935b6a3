import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// What one GET of OKX's public REST API answered, read.
enum OKXAnswer<Value> {
    /// `code` "0" and its `data`.
    case data(Value)
    /// Any other `code`: OKX's error, e.g. 50011 "Too Many Requests".
    case okxError(code: String, message: String)
}

/// OKX's REST envelope `{"code":"0","msg":"","data":...}`. Not the hot path: a body is read once
/// per request, so Foundation's JSON reader is plenty.
enum OKXEnvelope {
    /// The `data` of a code-0 body, or OKX's error.
    /// - Throws: ``HistoryPageError`` when the body is not OKX's envelope.
    static func read(_ body: [UInt8]) throws(HistoryPageError) -> OKXAnswer<Any> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            throw HistoryPageError(reason: "the body is not JSON: \(HistoryPage.excerpt(body))")
        }
        guard let envelope = object as? [String: Any] else { throw HistoryPageError(reason: "the body is not a JSON object: \(HistoryPage.excerpt(body))") }
        // OKX's code is a string ("0"); some error bodies (e.g. a 404's) carry a number.
        let code: String
        switch envelope["code"] {
        case let text as String: code = text
        case let number as NSNumber: code = number.stringValue
        default: throw HistoryPageError(reason: "the body has no code: \(HistoryPage.excerpt(body))")
        }
        guard code == "0" else { return .okxError(code: code, message: envelope["msg"] as? String ?? "") }
        guard let data = envelope["data"] else { throw HistoryPageError(reason: "code 0 without data: \(HistoryPage.excerpt(body))") }
        return .data(data)
    }
}

/// The HTTP edge shared by history downloads and instrument syncs: one GET at a time within a
/// ``RequestBudget``, retried by the ``RetryPolicy`` while the failure may pass. What a body means
/// is the caller's `read`; how often OKX may be asked is the budget's.
struct PublicRESTExchange {
    let options: HistoryDownloader.Options
    let logger: Logger
    let client: HTTPClient
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var budget: RequestBudget
    /// Requests sent (retries included), retries, and answers read.
    private(set) var requests = 0
    private(set) var retries = 0
    private(set) var answers = 0

    init(options: HistoryDownloader.Options, logger: Logger, client: HTTPClient) {
        self.options = options
        self.logger = logger
        self.client = client
        self.started = clock.now
        self.budget = options.budget
    }

    /// The time since the exchange began.
    var elapsed: Duration { clock.now - started }

    /// GETs `request` until it is answered or fails for good.
    /// - Parameter subject: what the request is for, in the log and the error (an instrument, an instrument type).
    /// - Returns: the value `read` made of the answer.
    /// - Throws: ``HistoryError/requestFailed(instrument:request:attempts:failure:)`` with the last
    ///   failure when OKX refused the request or it kept failing past the retry budget.
    mutating func get<Value>(_ request: HistoryRequest, subject: String,
                             read: ([UInt8]) throws(HistoryPageError) -> OKXAnswer<Value>) async throws -> Value {
        var attempt = 0
        while true {
            attempt += 1
            let sendAt = budget.reserve(at: elapsed)
            let wait = sendAt - elapsed
            if wait > .zero { try await Task.sleep(for: wait) }
            requests += 1
            if attempt > 1 { retries += 1 }
            let outcome = await send(request, read: read)
            budget.answered(at: elapsed)
            let failure: RequestFailure
            switch outcome {
            case .success(let value):
                answers += 1
                return value
            case .failure(let reason):
                failure = reason
            }
            if failure.isRateLimit { budget.exhausted(at: elapsed) }
            guard failure.isTransient, let delay = options.retry.delay(after: attempt, random: Double.random(in: 0..<1)) else {
                throw HistoryError.requestFailed(instrument: subject, request: request, attempts: attempt, failure: failure)
            }
            logger.warning("request failed; retrying", metadata: [
                "subject": "\(subject)", "request": "\(request)", "failure": "\(failure)",
                "attempt": "\(attempt)", "retry_in_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
            ])
            try await Task.sleep(for: delay)
        }
    }

    /// One HTTP exchange, read into a value or a failure.
    private func send<Value>(_ request: HistoryRequest, read: ([UInt8]) throws(HistoryPageError) -> OKXAnswer<Value>) async -> Result<Value, RequestFailure> {
        var http = HTTPClientRequest(url: request.url(base: options.baseURL))
        http.method = .GET
        http.headers.add(name: "Accept", value: "application/json")
        let status: Int
        let body: [UInt8]
        do {
            let response = try await client.execute(http, timeout: .nanoseconds(Int64(options.requestTimeout.components.seconds) * 1_000_000_000
                                                                                  + options.requestTimeout.components.attoseconds / 1_000_000_000))
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: 64 << 20)
            body = Array(buffer.readableBytesView)
        } catch {
            return .failure(.transport(String(describing: error)))
        }
        let answer: OKXAnswer<Value>
        do {
            answer = try read(body)
        } catch {
            return .failure(status == 200 ? .malformed(error.reason) : .http(status: status, code: nil, message: HistoryPage.excerpt(body)))
        }
        switch answer {
        case .data(let value) where status == 200: return .success(value)
        case .data: return .failure(.http(status: status, code: nil, message: nil))
        case .okxError(let code, let message) where status == 200: return .failure(.okx(code: code, message: message))
        case .okxError(let code, let message): return .failure(.http(status: status, code: code, message: message))
        }
    }
}
