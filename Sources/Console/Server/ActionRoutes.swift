import Foundation
import Hummingbird
import Risk
import RuntimeHost
import Storage
import StrategyKit
import TradingCore

/// The changing actions: pause, resume, acknowledge, halt all. Each goes through exactly what
/// the CLI command does (``OperatorAccess`` then ``StrategyControl`` or ``RiskEventDesk``), so
/// the database decides and audits alike, with the request's address and user agent added.
extension Console {
    func addActionRoutes(to router: Router<ConsoleRequestContext>) {
        for command in [OperatorCommand.pause, .resume] {
            router.post("/strategies/:name/\(command.rawValue)") { request, context in
                let name = try context.parameters.require("name")
                return try await act(request, context, back: "/") { visitor, form in
                    let actor = try await access.authorize(
                        identity: visitor.session.username, for: StrategyControl.permission(for: command), action: command.auditAction,
                        resourceType: "strategy", resourceId: String(name.prefix(100)),
                        request: .object(["command": .string(command.rawValue), "via": .string("console")]), origin: visitor.user.origin)
                    let outcome = try await StrategyControl(client: client, logger: logger)
                        .apply(command, to: StrategyName(name), by: actor, reason: form["reason"].flatMap { $0.isEmpty ? nil : $0 })
                    return "\(outcome.strategy): \(outcome.from.rawValue) -> \(outcome.to.rawValue) (by \(actor.username))"
                }
            }
        }
        router.post("/risk/:id/acknowledge") { request, context in
            let text = try context.parameters.require("id")
            return try await act(request, context, back: "/risk") { visitor, _ in
                guard let id = Int64(text), id > 0 else {
                    throw OperatorError.invalidArgument(field: "id", reason: "'\(text.prefix(40))' is not a risk event id (a positive number)")
                }
                let actor = try await access.authorize(identity: visitor.session.username, for: .acknowledgeRisk,
                                                       action: RiskEventDesk.acknowledgeAction, resourceType: "risk_event",
                                                       resourceId: String(id), origin: visitor.user.origin)
                try await RiskEventDesk(client: client, logger: logger).acknowledge(id: id, by: actor)
                return "risk event \(id) acknowledged by \(actor.username)"
            }
        }
        router.post("/halt-all") { request, context in
            try await act(request, context, back: "/") { visitor, form in
                let actor = try await access.authorize(
                    identity: visitor.session.username, for: .haltAll, action: OperatorCommand.halt.auditAction, resourceType: "strategy",
                    resourceId: "*", request: .object(["command": .string("halt"), "all": .bool(true), "via": .string("console")]),
                    origin: visitor.user.origin)
                let outcomes = try await StrategyControl(client: client, logger: logger)
                    .haltAll(by: actor, reason: form["reason"].flatMap { $0.isEmpty ? nil : $0 })
                return outcomes.isEmpty ? "nothing to halt: no strategy is trading, reducing or paused"
                    : "halted \(outcomes.map(\.strategy.rawValue).joined(separator: ", ")) as \(actor.username)"
            }
        }
    }

    /// Checks the session and the form's CSRF token, runs `body`, and answers: the page's script
    /// (header `X-Console-Request: fetch`) gets the outcome as text with its status; a plain form
    /// is redirected back with the outcome as a flash on success, or shown the refusal.
    func act(_ request: Request, _ context: ConsoleRequestContext, back: String,
             _ body: (Visitor, FormFields) async throws -> String) async throws -> Response {
        let fromScript = request.headers[.init("X-Console-Request")!] == "fetch"
        let form = try await FormFields.read(request)
        let visitor: Visitor
        switch try await caller(request, context) {
        case .anonymous:
            return fromScript ? text(.unauthorized, "your session has ended; log in again") : redirect(to: "/login")
        case .refused(let error):
            return fromScript ? text(.forbidden, error.description) : message(.forbidden, title: "Refused", error.description, visitor: nil)
        case .visitor(let found):
            visitor = found
        }
        guard configuration.signer.verifyCSRF(form["csrf"], for: visitor.session.id) else {
            logger.warning("\(visitor.user.username): \(request.uri.path) refused: CSRF token missing or wrong")
            return fromScript ? text(.forbidden, Self.csrfRefusal) : message(.forbidden, title: "Refused", Self.csrfRefusal, visitor: visitor)
        }
        let target = Self.safeBack(form["back"]) ?? back
        do {
            let outcome = try await body(visitor, form)
            return fromScript ? text(.ok, outcome) : redirect(to: target, cookies: [flashCookie(Flash(text: outcome, ok: true))])
        } catch let error as OperatorError {
            let status = Self.status(of: error)
            return fromScript ? text(status, "refused: \(error.description)")
                : message(status, title: "Refused", error.description, visitor: visitor)
        }
    }

    /// A same-site path to return to, never another site (`//host`, `https:`).
    static func safeBack(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"), path.count < 300 else { return nil }
        return path
    }

    /// The HTTP status of a refusal.
    static func status(of error: OperatorError) -> HTTPResponse.Status {
        switch error {
        case .unknownUser, .inactiveUser, .roleRefused, .resumeNeedsAdmin, .schemaBehind: .forbidden
        case .unknownStrategy, .unknownRiskEvent: .notFound
        case .invalidArgument: .badRequest
        case .notControllable, .illegalTransition, .alreadyAcknowledged, .haltNotAcknowledged, .userExists: .conflict
        }
    }
}
