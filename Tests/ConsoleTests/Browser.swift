import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore

/// A minimal browser over Hummingbird's test client: it keeps cookies (by name) and sends a
/// User-Agent, and finds a page's CSRF token, as a person's browser would.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var userAgent = ConsoleFixture.userAgent

    init(client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }

        /// The first CSRF token in the page's forms.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, body: nil, extra: [:])
    }

    func post(_ path: String, _ form: [String: String], fromScript: Bool = false) async throws -> Page {
        let body = form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        var extra: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if fromScript { extra[HTTPField.Name("X-Console-Request")!] = "fetch" }
        return try await send(path, method: .post, body: body, extra: extra)
    }

    /// Logs in (fetching the form first for its token) and returns the login's response.
    @discardableResult
    func login(_ username: String, password: String = ConsoleFixture.password) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", ["username": username, "password": password, "csrf": form.csrf ?? ""])
    }

    private func send(_ path: String, method: HTTPRequest.Method, body: String?, extra: HTTPFields) async throws -> Page {
        var headers = extra
        headers[.userAgent] = userAgent
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers,
                                                       body: body.map { ByteBuffer(string: $0) })
        for line in response.headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]), value = String(pair[1])
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
