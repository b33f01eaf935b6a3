import Foundation
import Hummingbird
import RuntimeHost
import Storage
import StrategyKit
import TradingCore

/// The pages: overview, one strategy, risk events. Every page reads through the CLI's views.
extension Console {
    func addPageRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/") { request, context in
            try await withVisitor(request, context) { visitor in
                let flash = Self.flash(in: request)
                return flashed(try await overview(user: visitor.page, flash: flash), shown: flash)
            }
        }
        router.get("/strategies/:name") { request, context in
            let name = try context.parameters.require("name")
            return try await withVisitor(request, context) { visitor in
                try await strategyPage(name: name, visitor: visitor, request: request)
            }
        }
        router.get("/risk") { request, context in
            try await withVisitor(request, context) { visitor in
                let filter: RiskFilter
                do {
                    filter = try RiskFilter(severity: request.uri.queryParameters["severity"].map(String.init),
                                            acknowledged: request.uri.queryParameters["acknowledged"].map(String.init))
                } catch let error as ConsoleError {
                    return message(.badRequest, title: "Risk events", error.description, visitor: visitor)
                }
                let events = try await RiskEventRepository(client).events(severities: filter.severity.map { [$0] } ?? [],
                                                                          acknowledged: filter.acknowledged, limit: 500)
                let names = try await StrategyRepository(client).namesById()
                let rows = events.map { (event: $0, strategy: $0.strategyId.flatMap { names[$0] }) }
                return page(title: "Risk events", visitor: visitor, section: "risk", template: "risk",
                            model: RiskPage(rows: rows, filter: filter, csrf: visitor.csrf), request: request)
            }
        }
    }

    /// Runs `body` for a logged-in visitor; anyone else goes to the login page (or is told why
    /// the database refuses them).
    func withVisitor(_ request: Request, _ context: ConsoleRequestContext,
                     _ body: (Visitor) async throws -> Response) async throws -> Response {
        switch try await caller(request, context) {
        case .anonymous:
            return redirect(to: "/login")
        case .refused(let error):
            return message(.forbidden, title: "Refused", error.description, visitor: nil)
        case .visitor(let visitor):
            return try await body(visitor)
        }
    }

    func strategyPage(name: String, visitor: Visitor, request: Request) async throws -> Response {
        let report = try await StatusReader(client, target: configuration.databaseName).read()
        guard let strategy = report.strategies.first(where: { $0.name == name }) else {
            return message(.notFound, title: "No such strategy", "no strategy named '\(name)' is deployed", visitor: visitor)
        }
        let deployment = try await StrategyRepository(client).deployment(named: StrategyName(name))
        let positions = try await PositionsView.read(client, strategy: name)
        let open = try await TradesView.read(client, filter: .init(strategy: name, statuses: [.pending, .submitted, .partiallyFilled], limit: 100))
        let recent = try await TradesView.read(client, filter: .init(strategy: name, limit: 50))
        let mode = strategy.ownMode
        // The equity curve is the strategy's own mode's: a replay's fills are of another account.
        let history = try await TradesView.read(client, filter: .init(strategy: name, statuses: [.filled, .partiallyFilled], mode: mode, limit: 5_000))
        let events = try await RiskEventRepository(client).events(limit: 500).filter { $0.strategyId == strategy.id }.prefix(50)
        let users = Dictionary(try await UserRepository(client).all().map { ($0.id, $0.username) }, uniquingKeysWith: { a, _ in a })
        let audit = try await AuditLogRepository(client).records(resourceType: "strategy", resourceId: name, limit: 50)
            .map { (record: $0, user: $0.userId.flatMap { users[$0] } ?? "") }
        let monitor = try await RiskMonitorRepository(client).monitors(mode: mode).first { $0.strategyId == strategy.id }
        let losingRun = try await TradeRepository(client).trailingLossRuns(mode: mode)[strategy.id]
        let limits = RiskLimitUsage.limits(manifest: deployment?.manifest, monitor: monitor, openOrders: open.rows.count,
                                           positions: positions.rows.filter { $0.position.mode == mode }, losingRun: losingRun)
        let model = StrategyPage(name: name, report: strategy, deployment: deployment, positions: positions, openOrders: open, trades: recent,
                                 history: history, riskEvents: events.map { RiskPage.event($0, strategy: StrategyName(name), csrf: visitor.csrf) },
                                 audit: audit, limits: limits, csrf: visitor.csrf)
        return page(title: name, visitor: visitor, section: "", template: "strategy", model: model, request: request)
    }
}
