import Foundation
import Hummingbird
import Storage

/// Login and logout. A failed login is audited (user.login, success = false, with the address
/// and user agent) and counted; past the limit, attempts are refused before the password is
/// checked. The browser is told only "wrong username or password", the audit row says why.
extension Console {
    static let loginCookie = "console_login"

    struct LoginModel {
        var csrf: String
        var username: String
        var error: String?
    }

    func addLoginRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/login") { request, context in
            if case .visitor = try await caller(request, context) { return redirect(to: "/") }
            return loginForm(.ok, username: "", error: nil, request: request)
        }
        router.post("/login") { request, context in
            try await login(request, context)
        }
        router.post("/logout") { request, context in
            let form = try await FormFields.read(request)
            guard case .visitor(let visitor) = try await caller(request, context) else { return redirect(to: "/login") }
            guard configuration.signer.verifyCSRF(form["csrf"], for: visitor.session.id) else {
                return message(.forbidden, title: "Refused", Self.csrfRefusal, visitor: visitor)
            }
            await revocations.revoke(visitor.session, now: now)
            logger.info("\(visitor.user.username) logged out of the console")
            return redirect(to: "/login", cookies: [cookie(Self.sessionCookie, "", maxAge: 0)])
        }
    }

    static let csrfRefusal = "csrf: the form's token is missing or does not belong to this session; reload the page and try again"

    /// The login form with a fresh nonce cookie its CSRF token belongs to.
    func loginForm(_ status: HTTPResponse.Status, username: String, error: String?, request: Request) -> Response {
        let nonce = RandomToken.hex(bytes: 16)
        let model = LoginModel(csrf: configuration.signer.csrfToken(for: "login." + nonce), username: username, error: error)
        let html = templates.page(title: "Log in", user: nil, flash: Self.flash(in: request), section: "",
                                  body: templates.render("login", model))
        return self.html(status, html, cookies: [cookie(Self.loginCookie, nonce, maxAge: 3600)])
    }

    func login(_ request: Request, _ context: ConsoleRequestContext) async throws -> Response {
        let form = try await FormFields.read(request)
        let origin = origin(request, context)
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let nonce = request.cookies[Self.loginCookie]?.value,
              configuration.signer.verifyCSRF(form["csrf"], for: "login." + nonce) else {
            return loginForm(.forbidden, username: username, error: Self.csrfRefusal, request: request)
        }
        guard !username.isEmpty else { return loginForm(.badRequest, username: "", error: "username: required", request: request) }
        guard let password = form["password"], !password.isEmpty else {
            return loginForm(.badRequest, username: username, error: "password: required", request: request)
        }
        let keys = ["user:" + username.lowercased(), "address:" + (origin.ipAddress ?? "unknown")]
        if let wait = await throttle.retryAfter(keys, now: now) {
            let reason = "too many failed logins; try again in \(Self.minutes(wait))"
            try await ConsoleAccounts(client).recordLogin(username: username, success: false, error: "rate limited: \(reason)", origin: origin)
            logger.warning("login of \(username) from \(origin.ipAddress ?? "?") refused: \(reason)")
            var response = loginForm(.tooManyRequests, username: username, error: reason, request: request)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let credentials = try await ConsoleAccounts(client).credentials(username: username)
        let matches = try await configuration.passwords.verify(password, hash: credentials?.passwordHash)
        let failure: String? = switch credentials {
        case nil: "unknown user"
        case let user? where user.passwordHash == nil: "no password set (`runtime users passwd \(username)`)"
        case let user? where !user.isActive: "user is deactivated"
        case _ where !matches: "wrong password"
        default: nil
        }
        let secondFactor = failure == nil ? try await secondFactorFailure(credentials, code: form["code"]) : nil
        if let failure = failure ?? secondFactor {
            await throttle.fail(keys, now: now)
            try await ConsoleAccounts(client).recordLogin(username: username, success: false, error: failure, origin: origin)
            logger.warning("login of \(username) from \(origin.ipAddress ?? "?") failed: \(failure)")
            // The password was right when only the second factor failed: saying so is what a user needs.
            let shown = secondFactor == nil ? "wrong username or password" : "code: \(failure)"
            return loginForm(.unauthorized, username: username, error: shown, request: request)
        }
        await throttle.succeed("user:" + username.lowercased())
        try await ConsoleAccounts(client).recordLogin(username: username, success: true, error: nil, origin: origin)
        let session = ConsoleSession.new(username: credentials?.username ?? username, now: now, lifetime: configuration.sessionLifetime)
        logger.info("\(session.username) logged in to the console from \(origin.ipAddress ?? "?")")
        return redirect(to: "/", cookies: [cookie(Self.sessionCookie, configuration.signer.cookieValue(session),
                                                  maxAge: Int(configuration.sessionLifetime)),
                                           cookie(Self.loginCookie, "", maxAge: 0)])
    }

    /// Why a user with two_factor_enabled may not log in with `code`, or nil when they may (the
    /// code's step is then spent, so it cannot be used again).
    func secondFactorFailure(_ credentials: ConsoleCredentials?, code: String?) async throws -> String? {
        guard let credentials, credentials.twoFactorEnabled else { return nil }
        guard let secret = credentials.totpSecret else {
            return "two-factor authentication is on but no authenticator is enrolled (`runtime users totp \(credentials.username)`)"
        }
        guard let code, !code.isEmpty else { return "the one-time code from the authenticator app is required" }
        guard let step = OneTimeCode.matchingStep(code, secret: secret, now: now) else { return "wrong one-time code" }
        guard try await ConsoleAccounts(client).useTOTPStep(username: credentials.username, step: step) else {
            return "this one-time code was used already; wait for the next one"
        }
        return nil
    }

    static func minutes(_ seconds: Int64) -> String {
        seconds < 60 ? "\(seconds) s" : "\((seconds + 59) / 60) min"
    }
}
