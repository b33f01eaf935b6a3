import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

@Suite("OKX private WebSocket session", .watchdog)
struct PrivateSessionTests {
    let codec = OKXPrivateCodec()

    /// Connect, log in, subscribe all three channels: the session asks for reconciliation.
    func subscribed(at start: Int64 = 0) throws -> (OKXPrivateSession, [OKXPrivateSession.Action]) {
        var session = OKXPrivateSession()
        var actions: [OKXPrivateSession.Action] = []
        session.start(at: ms(start), actions: &actions)
        session.connected(at: ms(start + 10), actions: &actions)
        session.received(.loggedIn, at: ms(start + 20), actions: &actions)
        for channel in ["orders", "positions", "balance_and_position"] {
            session.received(.subscribed(channel: channel), at: ms(start + 30), actions: &actions)
        }
        return (session, actions)
    }

    @Test("connect, login before subscribe, all three channels, then reconciliation")
    func handshake() throws {
        let (session, actions) = try subscribed()
        #expect(actions.prefix(3) == [.connect, .sendLogin,
                                      .sendText(#"{"op":"subscribe","args":[{"channel":"orders","instType":"ANY"},{"channel":"positions","instType":"ANY"},{"channel":"balance_and_position"}]}"#)])
        #expect(actions.last == .startReconciliation(generation: 1))
        #expect(session.state == .reconciling(generation: 1))
    }

    @Test("pushes during reconciliation are buffered and replayed in order; answers to requests are not held")
    func buffering() throws {
        var (session, actions) = try subscribed()
        let lines = try fixtureLines("ws/private/orders.jsonl")
        let first = try codec.decodeFrame(lines[1])
        let second = try codec.decodeFrame(lines[2])
        actions.removeAll()
        session.received(first, at: ms(100), actions: &actions)
        session.received(second, at: ms(110), actions: &actions)
        session.received(.operation(op: "order", requestId: "1", acks: []), at: ms(120), actions: &actions)
        #expect(actions == [.deliver(.operation(op: "order", requestId: "1", acks: []))])
        session.reconciliationFinished(generation: 1, at: ms(200), actions: &actions)
        #expect(actions.last == .replay([first, second]))
        #expect(session.state == .ready)
        let third = try codec.decodeFrame(lines[3])
        session.received(third, at: ms(300), actions: &actions)
        #expect(actions.last == .deliver(third))
    }

    @Test("ping after silence, pong keeps it, silence after the ping reconnects with backoff and reconciles again")
    func keepAliveAndReconnect() throws {
        var (session, actions) = try subscribed()
        session.reconciliationFinished(generation: 1, at: ms(100), actions: &actions)
        actions.removeAll()
        session.advance(to: ms(20_029), actions: &actions)
        #expect(actions.isEmpty)
        session.advance(to: ms(20_030), actions: &actions)
        #expect(actions == [.sendPing])
        session.received(.pong, at: ms(20_100), actions: &actions)
        session.advance(to: ms(40_100), actions: &actions)
        #expect(actions.filter { $0 == .sendPing }.count == 2)
        session.advance(to: ms(48_100), actions: &actions)
        #expect(actions.suffix(2) == [.closeConnection(reason: "no pong"), .reconnectScheduled(reason: "silent connection", at: ms(48_600))])
        #expect(session.state == .waitingToReconnect(until: ms(48_600)))
        session.advance(to: ms(48_600), actions: &actions)
        #expect(actions.last == .connect)
        session.connected(at: ms(48_700), actions: &actions)
        #expect(actions.last == .sendLogin)
        session.received(.loggedIn, at: ms(48_800), actions: &actions)
        for channel in ["orders", "positions", "balance_and_position"] { session.received(.subscribed(channel: channel), at: ms(48_900), actions: &actions) }
        #expect(actions.last == .startReconciliation(generation: 2))
        // A late "finished" from the first connection does not end this reconciliation.
        session.reconciliationFinished(generation: 1, at: ms(49_000), actions: &actions)
        #expect(session.state == .reconciling(generation: 2))
    }

    @Test("failed connects back off exponentially up to the maximum")
    func backoff() {
        var session = OKXPrivateSession()
        var actions: [OKXPrivateSession.Action] = []
        session.start(at: ms(0), actions: &actions)
        var now: Int64 = 0
        var delays: [Int64] = []
        for _ in 0..<10 {
            session.connectFailed(reason: "refused", at: ms(now), actions: &actions)
            guard case .waitingToReconnect(let until) = session.state else { Issue.record("not waiting"); return }
            delays.append(until.millisecondsSinceEpoch - now)
            now = until.millisecondsSinceEpoch
            session.advance(to: ms(now), actions: &actions)
        }
        #expect(delays == [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000])
    }

    @Test("a refused login halts instead of looping; a 64008 notice reconnects at once")
    func loginRefusedAndNotice() throws {
        var session = OKXPrivateSession()
        var actions: [OKXPrivateSession.Action] = []
        session.start(at: ms(0), actions: &actions)
        session.connected(at: ms(10), actions: &actions)
        session.received(try codec.decodeFrame(#"{"event":"error","code":"60009","msg":"Login failed.","connId":"a4d3ae55"}"#), at: ms(20), actions: &actions)
        #expect(actions.contains { if case .halt = $0 { true } else { false } })
        session.advance(to: ms(100_000), actions: &actions)
        #expect(actions.filter { $0 == .connect }.count == 1)

        var (ready, more) = try subscribed()
        ready.reconciliationFinished(generation: 1, at: ms(100), actions: &more)
        ready.received(.notice(code: "64008", message: "upgrade"), at: ms(200), actions: &more)
        #expect(more.suffix(2) == [.closeConnection(reason: "notice 64008: upgrade"), .reconnectScheduled(reason: "notice 64008", at: ms(700))])
        #expect(ready.state == .waitingToReconnect(until: ms(700)))
    }

    @Test("login or subscription not answered in time: reconnect")
    func handshakeTimeout() {
        var session = OKXPrivateSession()
        var actions: [OKXPrivateSession.Action] = []
        session.start(at: ms(0), actions: &actions)
        session.connected(at: ms(0), actions: &actions)
        session.advance(to: ms(10_000), actions: &actions)
        #expect(actions.suffix(2) == [.closeConnection(reason: "login or subscription not answered"),
                                      .reconnectScheduled(reason: "handshake timeout", at: ms(10_500))])
    }

    @Test("a handshake that keeps timing out is given twice as long each time, up to 8 times the timeout, and the allowance resets once ready")
    func handshakeAllowanceGrows() {
        var session = OKXPrivateSession()
        var actions: [OKXPrivateSession.Action] = []
        session.start(at: ms(0), actions: &actions)
        var now: Int64 = 0
        var allowances: [Int64] = []
        for _ in 0..<5 {
            let allowance = session.handshakeAllowanceNanoseconds / 1_000_000
            allowances.append(allowance)
            session.connected(at: ms(now), actions: &actions)
            // Just inside the allowance, the login is still awaited; at it, the attempt is given up.
            session.advance(to: ms(now + allowance - 1), actions: &actions)
            #expect(session.state == .loggingIn(since: ms(now)))
            now += allowance
            session.advance(to: ms(now), actions: &actions)
            guard case .waitingToReconnect(let until) = session.state else {
                Issue.record("expected a reconnect, got \(session.state)")
                return
            }
            now = until.millisecondsSinceEpoch
            session.advance(to: ms(now), actions: &actions)
        }
        #expect(allowances == [10_000, 20_000, 40_000, 80_000, 80_000])
        session.connected(at: ms(now), actions: &actions)
        session.received(.loggedIn, at: ms(now + 1), actions: &actions)
        for channel in ["orders", "positions", "balance_and_position"] {
            session.received(.subscribed(channel: channel), at: ms(now + 2), actions: &actions)
        }
        session.reconciliationFinished(generation: session.generation, at: ms(now + 3), actions: &actions)
        #expect(session.state == .ready)
        #expect(session.handshakeAllowanceNanoseconds == 10_000_000_000)
    }
}
