import Foundation
import Hummingbird

/// The console's responses: HTML pages with safe headers, redirects, plain text for the
/// script's requests, and its cookies (HttpOnly, SameSite=Strict, Secure behind TLS).
extension Console {
    static let flashCookie = "console_flash"

    func html(_ status: HTTPResponse.Status = .ok, _ body: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: status, headers: Self.securityHeaders([.contentType: "text/html; charset=utf-8"]),
                                body: .init(byteBuffer: ByteBuffer(string: body)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: Self.securityHeaders([.contentType: "text/plain; charset=utf-8"]),
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: Self.securityHeaders([.location: location]))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A page in the layout.
    func page(_ status: HTTPResponse.Status = .ok, title: String, visitor: Visitor?, section: String, template: String, model: Any,
              request: Request) -> Response {
        let flash = Self.flash(in: request)
        let body = templates.render(template, model)
        return flashed(templates.page(title: title, user: visitor?.page, flash: flash, section: section, body: body), shown: flash, status: status)
    }

    /// A page that shows `flash`: the response clears its cookie, so it is shown once.
    func flashed(_ page: String, shown flash: Flash?, status: HTTPResponse.Status = .ok) -> Response {
        html(status, page, cookies: flash == nil ? [] : [cookie(Self.flashCookie, "", maxAge: 0)])
    }

    /// A message page (a refusal or an error) in the layout.
    func message(_ status: HTTPResponse.Status, title: String, _ text: String, visitor: Visitor?) -> Response {
        let body = "<h1>\(HTMLEscape.text(title))</h1><p class=\"error\" role=\"alert\">\(HTMLEscape.text(text))</p><p><a href=\"/\">Back to the overview</a></p>"
        return html(status, templates.page(title: title, user: visitor?.page, flash: nil, section: "", body: body))
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, path: String = "/") -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func flashCookie(_ flash: Flash) -> Cookie {
        cookie(Self.flashCookie, Base64URL.encode(Data(((flash.ok ? "1" : "0") + flash.text).utf8)), maxAge: 60)
    }

    static func flash(in request: Request) -> Flash? {
        guard let value = request.cookies[flashCookie]?.value, let data = Base64URL.decode(value),
              let text = String(data: data, encoding: .utf8), let first = text.first else { return nil }
        return Flash(text: String(text.dropFirst().prefix(500)), ok: first == "1")
    }

    static func securityHeaders(_ fields: HTTPFields) -> HTTPFields {
        var fields = fields
        fields[.cacheControl] = "no-store"
        fields[.contentSecurityPolicy] = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
        fields[.init("X-Content-Type-Options")!] = "nosniff"
        fields[.init("Referrer-Policy")!] = "same-origin"
        return fields
    }
}

/// HTML escaping for the few strings written outside templates.
enum HTMLEscape {
    static func text(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
