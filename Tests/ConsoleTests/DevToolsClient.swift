import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TestSupport
import WebSocketKit

/// Just enough of Chromium's DevTools protocol to drive a page as a person would: open a tab,
/// navigate, run a line of script, take a screenshot. Every call has a deadline, so a browser
/// that stops answering fails the test instead of hanging it.
final class DevToolsClient: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let socket: WebSocket
    private let state = NIOLockedValueBox(State())
    private let sessionId = NIOLockedValueBox("")

    private struct State {
        var nextId = 1
        var waiting: [Int: CheckedContinuation<String, any Error>] = [:]
        var closed = false
    }

    private init(socket: WebSocket) {
        self.socket = socket
    }

    /// Connects to the browser at `url` (from DevToolsActivePort) and opens a tab on about:blank.
    static func open(browserURL url: String, group: any EventLoopGroup) async throws -> DevToolsClient {
        var configuration = WebSocketClient.Configuration(maxFrameSize: 64 << 20)
        configuration.maxAccumulatedFrameSize = 64 << 20
        let box = NIOLockedValueBox<DevToolsClient?>(nil)
        try await WebSocket.connect(to: url, configuration: configuration, on: group) { socket in
            // Runs on the socket's event loop, where WebSocketKit wants its handlers set.
            let client = DevToolsClient(socket: socket)
            socket.onText { _, text in client.received(text) }
            socket.onClose.whenComplete { _ in client.closed() }
            box.withLockedValue { $0 = client }
        }.get()
        // The upgrade's callback may run after the connection's future completes.
        let upgraded = try await Wait.until("the DevTools socket's upgrade", within: .minutes(1)) {
            box.withLockedValue { $0 }
        } satisfies: { $0 != nil }
        guard let browser = upgraded else { throw Failure(description: "no DevTools socket") }
        let target = try await browser.call("Target.createTarget", ["url": "about:blank"], inSession: false)
        guard let targetId = target["targetId"] as? String else { throw Failure(description: "createTarget answered \(target)") }
        let attached = try await browser.call("Target.attachToTarget", ["targetId": targetId, "flatten": true], inSession: false)
        guard let session = attached["sessionId"] as? String else { throw Failure(description: "attachToTarget answered \(attached)") }
        browser.sessionId.withLockedValue { $0 = session }
        return browser
    }

    /// Sends `method` and returns its result (the whole answer's `result` object).
    @discardableResult
    func call(_ method: String, _ params: [String: any Sendable] = [:], inSession: Bool = true,
              within deadline: Duration = .seconds(60)) async throws -> [String: Any] {
        let text = try await callText(method, params, inSession: inSession, within: deadline)
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// ``call(_:_:inSession:within:)``'s answer as JSON text.
    func callText(_ method: String, _ params: [String: any Sendable], inSession: Bool, within deadline: Duration) async throws -> String {
        let id = state.withLockedValue { state -> Int in
            defer { state.nextId += 1 }
            return state.nextId
        }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inSession { message["sessionId"] = sessionId.withLockedValue { $0 } }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
        return try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let closed = self.state.withLockedValue { state -> Bool in
                        if state.closed { return true }
                        state.waiting[id] = continuation
                        return false
                    }
                    if closed { continuation.resume(throwing: Failure(description: "the browser closed its DevTools socket")) }
                    else { self.socket.send(text) }
                }
            }
            group.addTask {
                try await Task.sleep(for: deadline)
                let continuation = self.state.withLockedValue { $0.waiting.removeValue(forKey: id) }
                continuation?.resume(throwing: Failure(description: "\(method) had no answer within \(deadline)"))
                throw Failure(description: "\(method) had no answer within \(deadline)")
            }
            defer { group.cancelAll() }
            guard let result = try await group.next() else { throw Failure(description: "\(method): no result") }
            return result
        }
    }

    /// Evaluates `expression` in the page and returns its value as text (a string expression
    /// reads best: JSON's booleans arrive as numbers).
    func evaluate(_ expression: String) async throws -> String {
        let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let exception = result["exceptionDetails"] { throw Failure(description: "`\(expression)` threw \(exception)") }
        let value = (result["result"] as? [String: Any])?["value"]
        return value.map { "\($0)" } ?? ""
    }

    func close() {
        _ = socket.close()
    }

    private func received(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let id = object["id"] as? Int,
              let continuation = state.withLockedValue({ $0.waiting.removeValue(forKey: id) }) else { return }
        if let error = object["error"] {
            continuation.resume(throwing: Failure(description: "DevTools error: \(error)"))
        } else {
            let result = object["result"].flatMap { try? JSONSerialization.data(withJSONObject: $0) }
            continuation.resume(returning: result.map { String(decoding: $0, as: UTF8.self) } ?? "{}")
        }
    }

    private func closed() {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<String, any Error>] in
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(throwing: Failure(description: "the browser closed its DevTools socket")) }
    }
}
