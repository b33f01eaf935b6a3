import Mustache

/// Every template of the console, parsed once. Mustache escapes every `{{value}}` for HTML; only
/// the runtime's own SVG and rendered bodies go in unescaped with `{{{...}}}`.
struct ConsoleTemplates: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        try library.register(LayoutTemplate.text, named: "layout")
        try library.register(StyleTemplate.text, named: "style")
        try library.register(LoginTemplate.text, named: "login")
        try library.register(OverviewTemplate.page, named: "overview")
        try library.register(OverviewTemplate.live, named: "live")
        try library.register(StrategyTemplate.text, named: "strategy")
        try library.register(StrategyTemplate.orders("openOrders", empty: "no open orders"), named: "orders-open")
        try library.register(StrategyTemplate.orders("trades", empty: "no trades"), named: "orders-recent")
        try library.register(RiskTemplate.page, named: "risk")
        try library.register(RiskTemplate.events, named: "risk-events")
        try library.register(MarketAndAuditTemplates.market, named: "market")
        try library.register(MarketAndAuditTemplates.audit, named: "audit")
        self.library = library
    }

    /// `name` rendered with `model`.
    func render(_ name: String, _ model: Any) -> String {
        library.render(model, withTemplate: name) ?? "<p class=\"error\">template \(name) is missing</p>"
    }

    /// A whole page: `body` inside the layout.
    func page(title: String, user: PageUser?, flash: Flash?, section: String, body: String) -> String {
        render("layout", Layout(title: title, user: user, flash: flash?.text, flashClass: flash.map { $0.ok ? "ok" : "error" } ?? "",
                                body: body, overview: section == "overview", risk: section == "risk",
                                market: section == "market", audit: section == "audit"))
    }

    struct Layout {
        var title: String
        var user: PageUser?
        var flash: String?
        var flashClass: String
        var body: String
        var overview: Bool
        var risk: Bool
        var market: Bool
        var audit: Bool
    }
}

/// A one-line message shown at the top of the next page (after a form's redirect).
struct Flash: Sendable, Hashable {
    var text: String
    var ok: Bool
}
