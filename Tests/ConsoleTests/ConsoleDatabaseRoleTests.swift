import Console
import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing

/// Whom the console may speak for on a shared server (migration 015): a login in the
/// runtime_console group acts for the user who logged in, through the same operator functions;
/// no operator's own login can read a password hash or speak for anyone else.
@Suite(.watchdog) struct ConsoleDatabaseRoleTests {
    /// A login role named uniquely (roles are cluster-wide), granted `grants`.
    static func login(_ prefix: String, granted grants: [String], client: PostgresClient) async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(name) LOGIN"))
        for group in grants { try await client.query(PostgresQuery(unsafeSQL: "GRANT \(group) TO \(name)")) }
        return name
    }

    static func connected(_ fixture: ConsoleFixture, as login: String, _ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        var target = fixture.database.target
        target.username = login
        try await target.withClient(body)
    }

    @Test func aConsoleLoginActsForTheUserWhoLoggedInAndNoOneElse() async throws {
        try await ConsoleFixture.with { fixture in
            let console = try await Self.login("console", granted: ["runtime_console"], client: fixture.client)
            try await Self.connected(fixture, as: console) { client in
                #expect(try await ConsoleAccounts(client).speaksForOperators())
                try await fixture.serve(over: client) { browser in
                    try await browser.login("vera")
                    let refused = try await browser.post("/strategies/trend/pause", ["csrf": try await browser.get("/").csrf ?? ""])
                    #expect(refused.status == .forbidden, "a viewer stays a viewer through the console's login")
                    browser.cookies = [:]
                    try await browser.login("tina")
                    let pause = try await browser.post("/strategies/trend/pause", ["csrf": try await browser.get("/").csrf ?? ""], fromScript: true)
                    #expect(pause.status == .ok && pause.body == "trend: paper_trading -> paused (by tina)", "\(pause.body)")
                }
            }
            #expect(try await fixture.status() == "paused")
            #expect(try await fixture.audit("strategy.pause").map { "\($0.user ?? "?") \($0.success) \($0.ip ?? "-")" }
                    == ["vera false 127.0.0.1", "tina true 127.0.0.1"])
        }
    }

    @Test func noOperatorLoginReadsAHashOrSpeaksForAnother() async throws {
        try await ConsoleFixture.with { fixture in
            // vera is a viewer and admin an admin (users rows); these are their own login roles.
            let viewer = try await Self.login("viewer", granted: ["runtime_viewer"], client: fixture.client)
            let admin = try await Self.login("admin", granted: ["runtime_admin"], client: fixture.client)
            for login in [viewer, admin] {
                try await Self.connected(fixture, as: login) { client throws in
                    let speaks = try await ConsoleAccounts(client).speaksForOperators()
                    #expect(!speaks, "\(login)")
                    for sql in ["SELECT password_hash FROM user_credentials", "SELECT * FROM runtime_console_credentials('tina')",
                                "SELECT runtime_console_record_login('tina', true, NULL)",
                                "SELECT * FROM runtime_authorize('tina', NULL, 'control_trading', 'strategy.pause')"] {
                        var refusal: String?
                        do {
                            for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql)) {}
                        } catch {
                            refusal = postgresErrorText(error)
                        }
                        #expect(refusal.map { $0.contains("permission denied") || $0.contains("cannot speak for") } == true,
                                "\(login): \(sql) -> \(refusal ?? "allowed")")
                    }
                }
            }
        }
    }
}
