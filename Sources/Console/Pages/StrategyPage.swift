import Foundation
import RuntimeHost
import Storage
import TradingCore

/// One strategy: state, equity and drawdown charts, positions, open orders, recent trades, its
/// risk events and its audit trail.
struct StrategyPage: Sendable {
    struct Position: Sendable {
        var mode: String
        var instrument: String
        var side: String
        var quantity: String
        var entry: String
        var price: String
        var unrealized: String
        var unrealizedClass: String
        var realized: String
    }

    struct Order: Sendable {
        var time: String
        var mode: String
        var instrument: String
        var side: String
        var type: String
        var quantity: String
        var filled: String
        var price: String
        var status: String
        var pnl: String
        var pnlClass: String
    }

    struct Audit: Sendable {
        var time: String
        var action: String
        var user: String
        var outcome: String
        var outcomeClass: String
        var detail: String
        var origin: String
    }

    var name: String
    var path: String
    var status: String
    var statusClass: String
    var mode: String
    var instruments: String
    var capital: String
    var realizedToday: String
    var unrealized: String
    var canPause: Bool
    var canResume: Bool
    var csrf: String
    var equitySVG: String
    var drawdownSVG: String
    var positions: [Position]
    var openOrders: [Order]
    var trades: [Order]
    var riskEvents: [RiskPage.Event]
    var audit: [Audit]
    var limits: [RiskLimitUsage.Limit]

    init(name: String, report: StatusReport.Strategy, deployment: StrategyDeploymentRecord?, positions: PositionsView,
         openOrders: TradesView, trades: TradesView, history: TradesView, riskEvents: [RiskPage.Event],
         audit: [(record: AuditLogRecord, user: String)], limits: [RiskLimitUsage.Limit], csrf: String) {
        self.limits = limits
        self.name = name
        path = "/strategies/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)
        status = report.status.rawValue
        statusClass = Display.statusClass(report.status)
        mode = report.mode?.rawValue ?? ""
        instruments = report.instruments.joined(separator: ", ")
        let capital = deployment?.allocatedCapital.value.doubleValue ?? 0
        self.capital = deployment.map { _ in String(format: "%.2f", capital) } ?? ""
        realizedToday = Display.money(report.realizedPnlToday(mode: report.ownMode))
        unrealized = Display.money(report.unrealizedPnl(mode: report.ownMode))
        canPause = [.active, .paperTrading, .reducingOnly].contains(report.status)
        canResume = [.paused, .halted, .reducingOnly].contains(report.status)
        self.csrf = csrf
        let curve = EquityCurve(capital: capital, trades: history.rows)
        equitySVG = curve.equitySVG
        drawdownSVG = curve.drawdownSVG
        self.positions = positions.rows.map { row in
            let p = row.position
            return Position(mode: p.mode.rawValue, instrument: p.instrument.symbol, side: p.side.rawValue, quantity: p.quantity.description,
                            entry: p.avgEntryPrice.description, price: p.currentPrice?.description ?? "",
                            unrealized: Display.money(p.unrealizedPnl), unrealizedClass: Display.sign(p.unrealizedPnl.value),
                            realized: Display.money(p.realizedPnl))
        }
        self.openOrders = openOrders.rows.map(Self.order)
        self.trades = trades.rows.map(Self.order)
        self.riskEvents = riskEvents
        self.audit = audit.map { entry in
            let record = entry.record
            return Audit(time: Display.time(record.createdAt), action: record.action, user: entry.user,
                         outcome: record.success ? "ok" : "refused", outcomeClass: record.success ? "trading" : "halted",
                         detail: record.errorMessage ?? record.newValue ?? "",
                         origin: [record.ipAddress, record.userAgent.map { String($0.prefix(40)) }].compactMap { $0 }.joined(separator: " · "))
        }
    }

    static func order(_ row: TradesView.Row) -> Order {
        let t = row.trade
        let pnl = t.realizedPnl
        return Order(time: Display.time(t.completedAt ?? t.createdAt), mode: t.mode.rawValue, instrument: t.instrument.symbol,
                     side: t.side.rawValue, type: t.orderType.rawValue, quantity: t.quantity.description,
                     filled: t.filledQuantity.description, price: (t.avgFillPrice ?? t.price)?.description ?? "",
                     status: t.status.rawValue, pnl: Display.money(pnl), pnlClass: pnl.map { Display.sign($0.value) } ?? "flat")
    }
}
