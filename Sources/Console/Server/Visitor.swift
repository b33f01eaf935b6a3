import Foundation
import Hummingbird
import RuntimeHost
import Storage

/// A logged-in request: its session, the user the database vouches for (with the request's
/// origin for audit rows) and the CSRF token of its forms.
struct Visitor: Sendable {
    var session: ConsoleSession
    var user: ActingUser
    var csrf: String

    var page: PageUser { PageUser(user: user, csrf: csrf) }
}

/// Who is asking: nobody (no valid session), a user the database refuses (deactivated,
/// removed), or a visitor.
enum Caller: Sendable {
    case anonymous
    case refused(OperatorError)
    case visitor(Visitor)
}

extension Console {
    static let sessionCookie = "console_session"

    /// The request's origin, as the audit rows record it.
    func origin(_ request: Request, _ context: ConsoleRequestContext) -> RequestOrigin {
        RequestOrigin(ipAddress: context.remoteAddress?.ipAddress, userAgent: request.headers[.userAgent])
    }

    /// The caller of `request`: a valid, unexpired, not logged-out session whose user the
    /// database still lets read (the same `runtime_authorize` as every CLI view).
    func caller(_ request: Request, _ context: ConsoleRequestContext) async throws -> Caller {
        guard let value = request.cookies[Self.sessionCookie]?.value,
              let session = configuration.signer.session(fromCookie: value, now: now),
              await !revocations.isRevoked(session) else { return .anonymous }
        do {
            let user = try await access.authorize(identity: session.username, for: .read, action: "console.view", resourceType: "console",
                                                  resourceId: String(request.uri.path.prefix(100)), origin: origin(request, context))
            return .visitor(Visitor(session: session, user: user, csrf: configuration.signer.csrfToken(for: session.id)))
        } catch let error as OperatorError {
            return .refused(error)
        }
    }
}
