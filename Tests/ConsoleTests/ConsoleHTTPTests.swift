import Console
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import TestSupport
import Testing
import TradingCore

/// Every route over HTTP against a real PostgreSQL, as a browser uses them: what a visitor
/// without a session gets, login and logout, CSRF refusals, session expiry, and that actions
/// obey (and audit, with address and user agent) the same operator rules as the CLI.
@Suite(.watchdog) struct ConsoleHTTPTests {
    @Test func withoutASessionEveryPageLeadsToTheLoginAndEveryActionIsRefused() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                #expect(try await browser.get("/healthz").status == .ok)
                for path in ["/", "/strategies/trend", "/risk", "/risk?severity=critical", "/market", "/audit"] {
                    let page = try await browser.get(path)
                    #expect(page.status == .seeOther && page.location == "/login", "GET \(path): \(page.status)")
                }
                #expect(try await browser.get("/events/overview").status == .unauthorized)
                for path in ["/strategies/trend/pause", "/strategies/trend/resume", "/risk/1/acknowledge", "/halt-all"] {
                    let page = try await browser.post(path, ["csrf": "x"])
                    #expect(page.status == .seeOther && page.location == "/login", "POST \(path): \(page.status)")
                    #expect(try await browser.post(path, [:], fromScript: true).status == .unauthorized)
                }
                let login = try await browser.get("/login")
                #expect(login.status == .ok && login.body.contains(#"name="password""#) && login.csrf != nil)
                #expect(try await browser.get("/no-such-page").status == .notFound)
            }
            #expect(try await fixture.status() == "paper_trading")
        }
    }

    @Test func aUserLogsInSeesEveryPageAndLogsOut() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                let login = try await browser.login("tina")
                #expect(login.status == .seeOther && login.location == "/")
                let setCookie = login.headers[values: .setCookie].first { $0.hasPrefix("console_session=") } ?? ""
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Max-Age=3600"), "\(setCookie)")

                let overview = try await browser.get("/")
                #expect(overview.status == .ok)
                #expect(overview.body.contains(#"data-strategy="trend""#) && overview.body.contains("paper_trading"))
                #expect(overview.body.contains("tina") && overview.body.contains("trader"))
                let strategy = try await browser.get("/strategies/trend")
                #expect(strategy.status == .ok)
                #expect(strategy.body.contains(#"<path class="series" d="M"#), "the equity chart has a line")
                #expect(strategy.body.contains("daily loss at 80% of the limit"))
                #expect(strategy.body.contains(#"<tr data-limit="max_daily_loss"><td>max_daily_loss</td><td class="num">400</td><td class="num">500</td>"#)
                        && strategy.body.contains(#"aria-valuenow="80""#) && strategy.body.contains("fill warn"), "the day's loss is 80% of its limit")
                #expect(strategy.body.contains(#"aria-valuenow="59""#), "drawdown 600 from a 10200 peak: 5.9% of 10%")
                #expect(strategy.body.contains("checked per order"))
                #expect(try await browser.get("/strategies/nosuch").status == .notFound)
                let risk = try await browser.get("/risk?severity=warning&acknowledged=no")
                #expect(risk.status == .ok && risk.body.contains("daily_loss"))
                #expect(try await browser.get("/risk?severity=critical").body.contains("no risk events match"))
                let bad = try await browser.get("/risk?severity=loud")
                #expect(bad.status == .badRequest && bad.body.contains("severity: must be one of"))
                #expect(try await browser.get("/risk?acknowledged=maybe").status == .badRequest)
                #expect(try await browser.get("/login").location == "/", "a logged-in user is sent on from the login page")

                let session = browser.cookies["console_session"]
                let logout = try await browser.post("/logout", ["csrf": overview.csrf ?? ""])
                #expect(logout.status == .seeOther && logout.location == "/login")
                browser.cookies["console_session"] = session
                #expect(try await browser.get("/").location == "/login", "a logged-out session's cookie is refused")
            }
            let logins = try await fixture.audit("user.login")
            #expect(logins == [.init(success: true, ip: "127.0.0.1", userAgent: ConsoleFixture.userAgent, error: nil, user: "tina")])
            var lastLogin: Date?
            for try await value in try await fixture.client.query("SELECT last_login FROM users WHERE username = 'tina'").decode(Date?.self) {
                lastLogin = value
            }
            #expect(lastLogin != nil)
        }
    }

    /// A replay of the same strategy writes rows of mode replay (a 2022 recording, a backtest):
    /// the paper strategy's overview row, its page's figures and its equity curve are the paper
    /// account's, unchanged by them; the replay's position is still listed, with its mode.
    @Test func aReplaysRowsDoNotMixIntoThePaperStrategysFigures() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                _ = try await browser.login("tina")
                func overviewRow() async throws -> String {
                    let body = try await browser.get("/").body
                    let start = try #require(body.range(of: #"data-strategy="trend""#))
                    let row = body[start.lowerBound...]
                    return String(row[..<(row.range(of: "</tr>")?.upperBound ?? row.endIndex)])
                }
                func figures(_ body: String) -> [String] {
                    ["realized today <b>", "unrealized <b>", #"<path class="series" d="M"#].map { marker in
                        body.components(separatedBy: marker).dropFirst().first.map { String($0.prefix(400)) } ?? "missing \(marker)"
                    }
                }
                let rowBefore = try await overviewRow()
                let pageBefore = try await browser.get("/strategies/trend").body
                try await fixture.client.query("""
                    INSERT INTO trades (client_order_id, strategy_id, symbol, side, order_type, quantity, avg_fill_price, filled_quantity,
                                        commission, realized_pnl, status, created_at, completed_at, mode)
                    SELECT 'replayed-' || n, s.id, 'BTC-USDT', 'sell', 'market', 3, 30000, 3, 9, 123456, 'filled',
                           now() - make_interval(mins => n), now() - make_interval(mins => n), 'replay'
                    FROM strategies s, generate_series(1, 5) AS n WHERE s.name = 'trend'
                    """)
                try await fixture.client.query("""
                    INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, current_price, unrealized_pnl, realized_pnl, mode)
                    SELECT id, 'BTC-USDT', 'short', 3, 30000, 29000, 3000, 0, 'replay' FROM strategies WHERE name = 'trend'
                    """)
                #expect(try await overviewRow() == rowBefore)
                let pageAfter = try await browser.get("/strategies/trend").body
                #expect(figures(pageAfter) == figures(pageBefore))
                #expect(pageAfter.contains("<td>replay</td><td>BTC-USDT</td><td>short</td>"), "the replay's position is listed with its mode")
            }
        }
    }

    /// A persisted sweep leaves a backtesting strategy per combination: the overview leaves them
    /// out and says how many; each one's page is still there.
    @Test func theOverviewLeavesOutTheBacktestingStrategiesOfPersistedSweeps() async throws {
        try await ConsoleFixture.with { fixture in
            for index in 0..<2 {
                _ = try await StrategyRepository(fixture.client).upsert(StrategyRecord(
                    name: StrategyName("trend_sweep1_\(index)"), strategyType: "trend_follow", version: "1.0.0", symbols: ["BTC-USDT"],
                    status: .backtesting, allocatedCapital: Money(FixedPoint(10_000))))
            }
            try await fixture.serve { browser in
                _ = try await browser.login("tina")
                let overview = try await browser.get("/")
                #expect(overview.status == .ok && overview.body.contains(#"data-strategy="trend""#))
                #expect(!overview.body.contains("trend_sweep1_"), "\(overview.body)")
                #expect(overview.body.contains("2 backtesting strategies of persisted sweeps not shown"), "\(overview.body)")
                #expect(try await browser.get("/strategies/trend_sweep1_0").status == .ok)
            }
        }
    }

    @Test func theMarketPageDrawsAnyInstrumentsCandlesAndOnlyAnAdminSeesTheAuditLog() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                try await browser.login("vera")
                let market = try await browser.get("/market?instrument=BTC-USDT&interval=1m&window=6h")
                #expect(market.status == .ok && market.body.contains(#"<path class="series" d="M"#) && market.body.contains("<b>50</b> bars"),
                        "\(market.body.suffix(2_000))")
                #expect(try await browser.get("/market").body.contains("BTC-USDT"), "the deployed strategies' instrument by default")
                #expect(try await browser.get("/market?instrument=ETH-USDT&interval=1d").body.contains("no 1d bars of ETH-USDT"))
                let interval = try await browser.get("/market?interval=2m")
                #expect(interval.status == .badRequest && interval.body.contains("interval: must be one of 1m, 5m, 1h, 1d"))
                let script = try await browser.get("/market?instrument=%3Cscript%3E")
                #expect(script.status == .badRequest && script.body.contains("instrument: '&lt;script&gt;' is not an OKX instrument id"))
                #expect(try await browser.get("/market?window=1y").status == .badRequest)
                let refused = try await browser.get("/audit")
                #expect(refused.status == .forbidden && refused.body.contains("may not manage users"))
                browser.cookies = [:]
                try await browser.login("admin")
                let audit = try await browser.get("/audit")
                #expect(audit.status == .ok && audit.body.contains("<td>tina</td>") && audit.body.contains("view.audit_logs"))
            }
            let views = try await fixture.audit("view.audit_logs")
            #expect(views.map { "\($0.user ?? "?") \($0.success) \($0.ip ?? "-")" } == ["vera false 127.0.0.1"], "only the refusal is an audit row")
        }
    }

    @Test func failedLoginsAreAuditedAndLimited() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                #expect(try await browser.login("nobody").status == .unauthorized)
                for _ in 0..<4 {
                    let page = try await browser.login("tina", password: "wrong password here")
                    #expect(page.status == .unauthorized && page.body.contains("wrong username or password"))
                }
                let limited = try await browser.login("tina")
                #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil, "\(limited.status)")
                #expect(limited.body.contains("too many failed logins"))
                #expect(browser.cookies["console_session"] == nil)
                // Fifteen minutes later the user may try again.
                fixture.clock.advance(by: 901)
                #expect(try await browser.login("tina").status == .seeOther)
                browser.cookies["console_session"] = nil
                let missing = try await browser.post("/login", ["username": "tina", "password": "", "csrf": try await browser.get("/login").csrf ?? ""])
                #expect(missing.status == .badRequest && missing.body.contains("password: required"))
            }
            let rows = try await fixture.audit("user.login")
            #expect(rows.count == 7, "\(rows)")
            #expect(rows.prefix(6).allSatisfy { !$0.success && $0.ip == "127.0.0.1" && $0.userAgent == ConsoleFixture.userAgent })
            #expect(rows.first?.error == "unknown user" && rows.first?.user == nil)
            #expect(rows[1].error == "wrong password" && rows[1].user == "tina")
            #expect(rows[5].error?.hasPrefix("rate limited") == true)
            #expect(rows[6].success)
        }
    }

    @Test func aTwoFactorUserNeedsTheirOneTimeCodeAndEachCodeWorksOnce() async throws {
        try await ConsoleFixture.with { fixture in
            let secret = OneTimeCode.newSecret()
            #expect(try await ConsoleAccounts(fixture.client).setTOTP(identity: "tina", actingAs: nil, username: "tina", secret: secret) == nil)
            try await fixture.serve { browser in
                func login(code: String?) async throws -> Browser.Page {
                    browser.cookies = [:]
                    var form = ["username": "tina", "password": ConsoleFixture.password, "csrf": try await browser.get("/login").csrf ?? ""]
                    form["code"] = code
                    return try await browser.post("/login", form)
                }
                let missing = try await login(code: nil)
                #expect(missing.status == .unauthorized && missing.body.contains("code: the one-time code from the authenticator app is required"))
                #expect(try await login(code: "12345x").status == .unauthorized)
                let code = OneTimeCode.code(secret: secret, now: fixture.clock.now)
                let wrong = code == "000000" ? "000001" : "000000"
                #expect(try await login(code: wrong).body.contains("code: wrong one-time code"))
                #expect(try await login(code: code).status == .seeOther, "the current code logs in")
                let replay = try await login(code: code)
                #expect(replay.status == .unauthorized && replay.body.contains("used already"), "a code logs in once")
                fixture.clock.advance(by: OneTimeCode.step)
                #expect(try await login(code: OneTimeCode.code(secret: secret, now: fixture.clock.now)).status == .seeOther)
            }
            let logins = try await fixture.audit("user.login")
            #expect(logins.map(\.success) == [false, false, false, true, false, true])
            #expect(logins.first?.error == "the one-time code from the authenticator app is required")
            #expect(try await fixture.audit("user.two_factor").map(\.success) == [true])
            #expect(try await ConsoleAccounts(fixture.client).setTOTP(identity: "admin", actingAs: nil, username: "nobody", secret: nil) == .unknownUser)
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                #expect(try await browser.post("/login", ["username": "tina", "password": ConsoleFixture.password]).status == .forbidden,
                        "a login without the form's token")
                try await browser.login("tina")
                let other = Browser(client: browser.client)
                try await other.login("admin")
                let othersToken = try await other.get("/").csrf ?? ""
                for token in [nil, "", "forged", othersToken] {
                    var form: [String: String] = [:]
                    if let token { form["csrf"] = token }
                    let page = try await browser.post("/strategies/trend/pause", form)
                    #expect(page.status == .forbidden && page.body.contains("csrf:"), "token \(token ?? "none"): \(page.status)")
                    #expect(try await browser.post("/logout", form).status == .forbidden)
                }
            }
            #expect(try await fixture.status() == "paper_trading")
            #expect(try await fixture.audit("strategy.pause").isEmpty)
        }
    }

    @Test func aSessionExpires() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                try await browser.login("vera")
                #expect(try await browser.get("/").status == .ok)
                let token = try await browser.get("/").csrf ?? ""
                fixture.clock.advance(by: 3_601)
                #expect(try await browser.get("/").location == "/login")
                #expect(try await browser.get("/events/overview").status == .unauthorized)
                #expect(try await browser.post("/strategies/trend/pause", ["csrf": token], fromScript: true).status == .unauthorized)
            }
        }
    }

    @Test func aViewersActionsAreRefusedAndAuditedWithTheirAddress() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                try await browser.login("vera")
                let token = try await browser.get("/").csrf ?? ""
                let pause = try await browser.post("/strategies/trend/pause", ["csrf": token])
                #expect(pause.status == .forbidden)
                #expect(pause.body.contains("user &#39;vera&#39; has role viewer") || pause.body.contains("role viewer"), "\(pause.body.prefix(600))")
                let ack = try await browser.post("/risk/1/acknowledge", ["csrf": token], fromScript: true)
                #expect(ack.status == .forbidden && ack.body.contains("may not acknowledge risk events"))
                #expect(try await browser.post("/halt-all", ["csrf": token]).status == .forbidden)
            }
            #expect(try await fixture.status() == "paper_trading")
            let refused = try await fixture.audit("strategy.pause")
            #expect(refused.count == 1)
            #expect(refused.first.map { !$0.success && $0.user == "vera" && $0.ip == "127.0.0.1" && $0.userAgent == ConsoleFixture.userAgent } == true,
                    "\(refused)")
            #expect(try await fixture.audit("risk_event.acknowledge").map(\.success) == [false])
            #expect(try await fixture.audit("strategy.halt").map(\.success) == [false])
        }
    }

    @Test func aTraderPausesResumesAndAcknowledgesAndOnlyAnAdminHaltsAll() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                try await browser.login("tina")
                let token = try await browser.get("/").csrf ?? ""
                let pause = try await browser.post("/strategies/trend/pause", ["csrf": token])
                #expect(pause.status == .seeOther && pause.location == "/")
                #expect(try await fixture.status() == "paused")
                #expect(try await browser.get("/").body.contains("trend: paper_trading -&gt; paused (by tina)"), "the flash says what happened")
                let again = try await browser.post("/strategies/trend/pause", ["csrf": token], fromScript: true)
                #expect(again.status == .conflict && again.body.contains("refused: cannot pause"))
                let resume = try await browser.post("/strategies/trend/resume", ["csrf": token], fromScript: true)
                #expect(resume.status == .ok && resume.body == "trend: paused -> paper_trading (by tina)")
                #expect(try await fixture.status() == "paper_trading")
                #expect(try await browser.post("/strategies/nosuch/pause", ["csrf": token]).status == .notFound)

                let riskPage = try await browser.get("/risk?acknowledged=no")
                let id = riskPage.body.range(of: #"data-event=""#).map { String(riskPage.body[$0.upperBound...].prefix { $0 != "\"" }) } ?? "0"
                let ack = try await browser.post("/risk/\(id)/acknowledge", ["csrf": token])
                #expect(ack.status == .seeOther && ack.location == "/risk")
                #expect(try await browser.post("/risk/\(id)/acknowledge", ["csrf": token]).status == .conflict)
                #expect(try await browser.post("/risk/abc/acknowledge", ["csrf": token]).status == .badRequest)
                #expect(try await browser.get("/risk?acknowledged=yes").body.contains("daily_loss"))

                #expect(try await browser.post("/halt-all", ["csrf": token]).status == .forbidden, "halting all is the admin's and risk officer's")
                let admin = Browser(client: browser.client)
                try await admin.login("admin")
                let halt = try await admin.post("/halt-all", ["csrf": try await admin.get("/").csrf ?? ""], fromScript: true)
                #expect(halt.status == .ok && halt.body.contains("halted trend as admin"))
            }
            #expect(try await fixture.status() == "halted")
            let pauses = try await fixture.audit("strategy.pause")
            #expect(pauses.map(\.success) == [true, false, false], "paused, refused pausing again, refused the unknown strategy")
            #expect(pauses.allSatisfy { $0.ip == "127.0.0.1" && $0.userAgent == ConsoleFixture.userAgent && $0.user == "tina" })
            #expect(try await fixture.audit("strategy.resume").map(\.success) == [true])
            #expect(try await fixture.audit("risk_event.acknowledge").map(\.success) == [true, false])
            #expect(try await fixture.audit("strategy.halt").map { "\($0.user ?? "?") \($0.success)" } == ["tina false", "admin true"])
        }
    }
}
