import Foundation
import Logging
import PostgresNIO
import Risk
import RuntimeHost
import Storage
import StrategyKit
import TestSupport
import Testing
import TradingCore

/// `runtime pause|resume|stop|halt` and `runtime risk ack` against a real PostgreSQL: legal and
/// illegal transitions, audit rows with old and new state, risk events for halts, NOTIFY, and
/// refusals of viewers and unknown users that are themselves audited.
@Suite(.watchdog) struct OperatorControlTests {
    private static func actor(_ client: PostgresClient, _ name: String = "admin",
                              _ permission: OperatorPermission = .controlTrading) async throws -> ActingUser {
        try await OperatorAccess(client: client).authorize(identity: name, for: permission, action: "test", resourceType: "strategy", resourceId: nil)
    }

    /// Separation of duties (issue 18 part 3): a strategy the risk engine halted resumes only
    /// after its halting risk event is acknowledged, and only by an admin; an operator's own halt
    /// is not gated that way. Every refusal leaves the strategy halted and is audited.
    @Test func aRiskHaltedStrategyResumesOnlyAcknowledgedAndByAnAdmin() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            try await OperatorTestSupport.addUser("tom", role: .trader, client: client)
            let admin = try await Self.actor(client)
            let tom = try await Self.actor(client, "tom")
            let control = StrategyControl(client: client)
            let strategy = try #require(try await StrategyRepository(client).deployment(named: "sma_test"))
            // What the engine writes when its daily-loss monitor halts a strategy.
            try await StrategyRepository(client).setStatus(.halted, id: strategy.id)
            let halt = try await RiskEventRepository(client).insert(RiskEventRecord(
                eventType: "daily_loss", severity: .critical, strategyId: strategy.id, description: "daily loss 520 over 500",
                actionTaken: "halted", createdAt: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)), mode: .paper))
            func status() async throws -> String {
                try await SQLTestQueries.strings(client, "SELECT status FROM strategies WHERE name = 'sma_test'").first ?? "-"
            }

            for actor in [tom, admin] {
                let error = await #expect(throws: OperatorError.self) { try await control.apply(.resume, to: "sma_test", by: actor) }
                #expect(error == .haltNotAcknowledged(strategy: "sma_test", eventId: halt))
            }
            #expect(try await status() == "halted")
            try await RiskEventDesk(client: client).acknowledge(id: halt, by: tom)
            let error = await #expect(throws: OperatorError.self) { try await control.apply(.resume, to: "sma_test", by: tom) }
            #expect(error == .resumeNeedsAdmin(strategy: "sma_test", eventId: halt))
            #expect(try await status() == "halted")
            let refusals = try await OperatorTestSupport.auditRows(client).filter { $0.action == "strategy.resume" && !$0.success }
            #expect(refusals.map(\.user) == ["tom", "admin", "tom"])

            try await control.apply(.resume, to: "sma_test", by: admin)
            #expect(try await status() != "halted")
            // An operator's halt: the trader who may halt may resume it.
            try await control.apply(.halt, to: "sma_test", by: tom)
            try await control.apply(.resume, to: "sma_test", by: tom)
            #expect(try await status() != "halted")
        }
    }

    @Test func transitionsFollowTheTradingStateRules() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let admin = try await Self.actor(client)
            let control = StrategyControl(client: client)
            let name: StrategyName = "sma_test"

            #expect(try await control.apply(.pause, to: name, by: admin).to == .paused)
            #expect(try await OperatorTestSupport.status("sma_test", client) == "paused")
            // Resuming a paper strategy returns it to paper trading, not to live.
            #expect(try await control.apply(.resume, to: name, by: admin).to == .paperTrading)
            let halt = try await control.apply(.halt, to: name, by: admin, reason: "manual check")
            #expect(halt.from == .paperTrading && halt.to == .halted && halt.riskEventId != nil)
            // A halted strategy cannot be paused; only resumed or stopped.
            let illegal = await #expect(throws: OperatorError.self) { try await control.apply(.pause, to: name, by: admin) }
            #expect(illegal?.description.contains("cannot pause 'sma_test'") == true)
            #expect(illegal?.description.contains("halted") == true)
            #expect(try await OperatorTestSupport.status("sma_test", client) == "halted")
            #expect(try await control.apply(.stop, to: name, by: admin).to == .stopped)
            // Stopped: halting makes no sense, resuming does.
            await #expect(throws: OperatorError.self) { try await control.apply(.halt, to: name, by: admin) }
            await #expect(throws: OperatorError.self) { try await control.apply(.stop, to: name, by: admin) }
            #expect(try await control.apply(.resume, to: name, by: admin).to == .paperTrading)
            // Resuming a trading strategy is refused (already active).
            await #expect(throws: OperatorError.self) { try await control.apply(.resume, to: name, by: admin) }

            let audit = try await OperatorTestSupport.auditRows(client).filter { $0.action.hasPrefix("strategy.") && $0.action != "strategy.deploy" }
            #expect(audit.map(\.action) == ["strategy.pause", "strategy.resume", "strategy.halt", "strategy.pause", "strategy.stop",
                                            "strategy.halt", "strategy.stop", "strategy.resume", "strategy.resume"])
            #expect(audit.map(\.success) == [true, true, true, false, true, false, false, true, false])
            #expect(audit.allSatisfy { $0.user == "admin" && $0.resourceId == "sma_test" })
            #expect(audit[0].oldValue == #"{"state": "active", "status": "paper_trading"}"#)
            #expect(audit[0].newValue == #"{"state": "paused", "status": "paused"}"#)
            #expect(audit[2].newValue?.contains("manual check") == true)
            #expect(audit[3].errorMessage?.contains("halted") == true)

            // Exactly one risk event: the halt.
            var events: [(String, String, String?, String?)] = []
            for try await row in try await client.query("""
                SELECT r.event_type, r.severity, r.action_taken, s.name FROM risk_events r LEFT JOIN strategies s ON s.id = r.strategy_id
                """).decode((String, String, String?, String?).self) { events.append(row) }
            #expect(events.count == 1)
            #expect(events.first?.0 == "state_change" && events.first?.1 == "critical" && events.first?.2 == "halted" && events.first?.3 == "sma_test")
        }
    }

    @Test func unknownStrategyIsRefusedAndAudited() async throws {
        try await ScratchDatabase.with { _, client in
            let admin = try await Self.actor(client)
            let error = await #expect(throws: OperatorError.self) {
                try await StrategyControl(client: client).apply(.pause, to: "nope", by: admin)
            }
            #expect(error == .unknownStrategy("nope"))
            let last = try #require(try await OperatorTestSupport.auditRows(client).last)
            #expect(last.action == "strategy.pause" && !last.success && last.resourceId == "nope")
        }
    }

    @Test func haltAllHaltsEveryTradingStrategy() async throws {
        try await ScratchDatabase.with { _, client in
            for name in ["alpha", "beta", "gamma", "delta"] {
                try await OperatorTestSupport.deploy(OperatorTestSupport.manifest(named: name, mode: name == "beta" ? "live" : "paper"), client: client)
            }
            let admin = try await Self.actor(client)
            let control = StrategyControl(client: client)
            try await control.apply(.pause, to: "gamma", by: admin)
            try await control.apply(.stop, to: "delta", by: admin)
            let outcomes = try await control.haltAll(by: admin, reason: "kill switch drill")
            #expect(outcomes.map(\.strategy.rawValue) == ["alpha", "beta", "gamma"])
            #expect(outcomes.map(\.from) == [.paperTrading, .active, .paused])
            for name in ["alpha", "beta", "gamma"] { #expect(try await OperatorTestSupport.status(name, client) == "halted") }
            #expect(try await OperatorTestSupport.status("delta", client) == "stopped")
            for try await count in try await client.query("SELECT count(*)::int FROM risk_events WHERE event_type = 'state_change'").decode(Int.self) {
                #expect(count == 3)
            }
            // Resuming restores each strategy's own mode.
            #expect(try await control.apply(.resume, to: "beta", by: admin).to == .active)
            #expect(try await control.apply(.resume, to: "alpha", by: admin).to == .paperTrading)
        }
    }

    @Test func aChangeNotifiesListeningHosts() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let admin = try await Self.actor(client)
            let listener = try await database.target.connect(logger: Logger(label: "test.listen"))
            // LISTEN is active inside the closure: change the strategy there, then wait for the notification.
            let received: String? = try await Wait.signal("a notification on strategy_control") {
                try await listener.listen(on: "strategy_control") { notifications in
                    try await StrategyControl(client: client).apply(.pause, to: "sma_test", by: admin)
                    for try await notification in notifications { return notification.payload }
                    return nil
                }
            }
            #expect(received == "sma_test")
            try await listener.close()
        }
    }

    @Test func viewerAndUnknownUsersAreRefusedAndTheRefusalsAudited() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            try await OperatorTestSupport.addUser("vera", role: .viewer, client: client)
            try await OperatorTestSupport.addUser("tom", role: .trader, client: client)
            try await OperatorTestSupport.addUser("rita", role: .riskOfficer, client: client)
            let before = try await OperatorTestSupport.snapshot(client)
            let access = OperatorAccess(client: client)

            let viewer = await #expect(throws: OperatorError.self) {
                try await access.authorize(identity: "vera", for: .controlTrading, action: "strategy.pause", resourceType: "strategy", resourceId: "sma_test")
            }
            #expect(viewer == .roleRefused(user: "vera", role: .viewer, permission: .controlTrading, allowed: [.admin, .trader]))
            #expect(viewer?.description == "user 'vera' has role viewer, which may not pause, resume or stop strategies; that needs admin or trader")
            let stranger = await #expect(throws: OperatorError.self) {
                try await access.authorize(identity: "mallory", for: .halt, action: "strategy.halt", resourceType: "strategy", resourceId: "sma_test")
            }
            #expect(stranger == .unknownUser("mallory"))
            // A risk officer may halt and acknowledge, not resume; a trader may not manage users.
            await #expect(throws: OperatorError.self) {
                try await access.authorize(identity: "rita", for: .controlTrading, action: "strategy.resume", resourceType: "strategy", resourceId: "sma_test")
            }
            _ = try await access.authorize(identity: "rita", for: .halt, action: "strategy.halt", resourceType: "strategy", resourceId: "sma_test")
            await #expect(throws: OperatorError.self) {
                try await OperatorTestSupport.addUser("eve", role: .admin, as: "tom", client: client)
            }

            #expect(try await OperatorTestSupport.snapshot(client) == before)
            let refusals = try await OperatorTestSupport.auditRows(client).filter { !$0.success }
            #expect(refusals.map(\.action) == ["strategy.pause", "strategy.halt", "strategy.resume", "user.add"])
            #expect(refusals.map(\.user) == ["vera", nil, "rita", "tom"])
            #expect(refusals[0].errorMessage?.contains("viewer") == true)
            #expect(refusals[1].errorMessage?.contains("'mallory' is not in the users table") == true)
            #expect(refusals[1].newValue?.contains("mallory") == true)
        }
    }

    @Test func firstSetupCreatesAnAdmin() async throws {
        // The first operator to meet an empty users table becomes its admin, and adds the others.
        try await ScratchDatabase.with { _, client in
            let users = UserAdministration(client: client)
            try await OperatorTestSupport.addUser("bob", role: .trader, as: "alice", client: client)
            #expect(try await users.list().map(\.username) == ["alice", "bob"])
            // From then on the acting user must be an admin.
            await #expect(throws: OperatorError.self) { try await OperatorTestSupport.addUser("eve", role: .trader, as: "nobody", client: client) }
            await #expect(throws: OperatorError.self) { try await OperatorTestSupport.addUser("bob", role: .viewer, as: "alice", client: client) }
            // Nobody is created on first use once users exist.
            let error = await #expect(throws: OperatorError.self) { try await Self.actor(client, "admin", .deploy) }
            #expect(error == .unknownUser("admin"))
            #expect(try await users.list().map(\.username) == ["alice", "bob"])
        }
        // On an empty table the first operator, whatever the name, becomes the first admin.
        try await ScratchDatabase.with { _, client in
            let carol = try await Self.actor(client, "carol", .manageUsers)
            #expect(carol.role == .admin)
            let error = await #expect(throws: OperatorError.self) { try await Self.actor(client, "dave", .read) }
            #expect(error == .unknownUser("dave"))
        }
    }

    @Test func riskEventsAreAcknowledgedOnce() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            try await OperatorTestSupport.addUser("rita", role: .riskOfficer, client: client)
            let admin = try await Self.actor(client)
            let halt = try await StrategyControl(client: client).apply(.halt, to: "sma_test", by: admin)
            let id = try #require(halt.riskEventId)
            let desk = RiskEventDesk(client: client)
            #expect(try await desk.list(unacknowledgedOnly: true, severities: []).map { $0.event.id } == [id])
            #expect(try await desk.list(unacknowledgedOnly: false, severities: [.critical]).first?.strategy == "sma_test")
            #expect(try await desk.list(unacknowledgedOnly: false, severities: [.info]).isEmpty)

            let rita = try await Self.actor(client, "rita", .acknowledgeRisk)
            try await desk.acknowledge(id: id, by: rita)
            #expect(try await desk.list(unacknowledgedOnly: true, severities: []).isEmpty)
            for try await (acknowledged, by, at) in try await client.query(
                "SELECT acknowledged, (SELECT username FROM users WHERE id = acknowledged_by), acknowledged_at IS NOT NULL FROM risk_events WHERE id = \(id)"
            ).decode((Bool, String?, Bool).self) {
                #expect(acknowledged && by == "rita" && at)
            }
            let again = await #expect(throws: OperatorError.self) { try await desk.acknowledge(id: id, by: rita) }
            #expect(again == .alreadyAcknowledged(id: id))
            let unknown = await #expect(throws: OperatorError.self) { try await desk.acknowledge(id: 999_999, by: rita) }
            #expect(unknown == .unknownRiskEvent(999_999))
            let acks = try await OperatorTestSupport.auditRows(client).filter { $0.action == "risk_event.acknowledge" }
            #expect(acks.map(\.success) == [true, false, false])
            #expect(acks.map(\.resourceId) == [String(id), String(id), "999999"])

            let viewerError = await #expect(throws: OperatorError.self) {
                try await OperatorTestSupport.addUser("vera", role: .viewer, client: client)
                _ = try await Self.actor(client, "vera", .acknowledgeRisk)
            }
            #expect(viewerError == .roleRefused(user: "vera", role: .viewer, permission: .acknowledgeRisk, allowed: [.admin, .trader, .riskOfficer]))
        }
    }
}
