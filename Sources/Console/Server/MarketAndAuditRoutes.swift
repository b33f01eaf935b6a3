import Foundation
import Hummingbird
import RuntimeHost
import Storage
import TradingCore

/// The market page (any reader) and the users and audit page (admins: the same manage_users
/// permission as `runtime users`, so a refusal is audited like the CLI's).
extension Console {
    func addMarketAndAuditRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/market") { request, context in
            try await withVisitor(request, context) { visitor in
                let instruments = Array(Set(try await StrategyRepository(client).deployments().flatMap(\.symbols))).sorted()
                let query: MarketQuery
                do {
                    query = try MarketQuery(instrument: request.uri.queryParameters["instrument"].map(String.init),
                                            interval: request.uri.queryParameters["interval"].map(String.init),
                                            window: request.uri.queryParameters["window"].map(String.init),
                                            fallback: instruments.first ?? "BTC-USDT")
                } catch let error as ConsoleError {
                    return message(.badRequest, title: "Market", error.description, visitor: visitor)
                }
                let to = ViewOptions.now()
                let view = try await CandlesView.read(client, instrument: query.instrument, interval: query.interval,
                                                      from: to.advanced(byNanoseconds: -query.seconds * 1_000_000_000), to: to)
                return page(title: "Market", visitor: visitor, section: "market", template: "market",
                            model: MarketPage(view: view, query: query, instruments: instruments), request: request)
            }
        }
        router.get("/audit") { request, context in
            try await withVisitor(request, context) { visitor in
                do {
                    _ = try await access.authorize(identity: visitor.session.username, for: .manageUsers, action: "view.audit_logs",
                                                   resourceType: "audit_logs", resourceId: nil, origin: visitor.user.origin)
                } catch let error as OperatorError {
                    return message(Self.status(of: error), title: "Refused", error.description, visitor: visitor)
                }
                let users = try await UserRepository(client).all()
                let names = Dictionary(users.map { ($0.id, $0.username) }, uniquingKeysWith: { first, _ in first })
                let audit = try await AuditLogRepository(client).records(resourceType: nil, limit: 200)
                    .map { (record: $0, user: $0.userId.flatMap { names[$0] } ?? "") }
                return page(title: "Audit", visitor: visitor, section: "audit", template: "audit",
                            model: AuditPage(users: users, audit: audit), request: request)
            }
        }
    }
}
