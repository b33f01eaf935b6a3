import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// The connection lifecycle without any I/O.
@Suite(.watchdog) struct FeedConnectionStateMachineTests {
    typealias Machine = FeedConnectionStateMachine
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
    static let trades = OKXSubscription(channel: "trades", instId: "BTC-USDT")
    static let books = OKXSubscription(channel: "books5", instId: "BTC-USDT")
    static let configuration = Machine.Configuration(
        pingAfterSilenceNanoseconds: 20_000_000_000, pongTimeoutNanoseconds: 5_000_000_000,
        initialBackoffNanoseconds: 1_000_000_000, maximumBackoffNanoseconds: 8_000_000_000, jitterFraction: 0.25)

    func at(_ seconds: Double) -> Timestamp { Self.t0.advanced(byNanoseconds: Int64(seconds * 1e9)) }

    @Test func connectsAndSubscribesEverything() {
        var machine = Machine(configuration: Self.configuration, subscriptions: [Self.trades, Self.books, Self.trades])
        #expect(machine.subscriptions == [Self.trades, Self.books])
        #expect(machine.start(now: at(0)) == [.connect])
        #expect(machine.start(now: at(0)).isEmpty)
        #expect(machine.connectionEstablished(now: at(0.1)) == [.report(.connected), .send(.subscribe([Self.trades, Self.books]))])
        #expect(!machine.isFullySubscribed)
        #expect(machine.subscriptionAcknowledged(Self.trades) == [.report(.subscribed(Self.trades))])
        #expect(machine.subscriptionAcknowledged(Self.books) == [.report(.subscribed(Self.books))])
        #expect(machine.isFullySubscribed)
    }

    @Test func pingsAfterSilenceAndGivesUpWithoutPong() {
        var machine = Machine(configuration: Self.configuration, subscriptions: [Self.trades])
        _ = machine.start(now: at(0))
        _ = machine.connectionEstablished(now: at(0))
        machine.frameReceived(now: at(1))
        #expect(machine.tick(now: at(20.9)).isEmpty)
        #expect(machine.tick(now: at(21)) == [.sendPing])
        #expect(machine.tick(now: at(22)).isEmpty)  // one ping outstanding, no second one
        machine.frameReceived(now: at(22.5))  // "pong"
        #expect(machine.pingSentAt == nil)
        #expect(machine.tick(now: at(42.5)) == [.sendPing])
        let actions = machine.tick(now: at(47.5))
        #expect(actions.first == .closeConnection(.silence))
        #expect(actions.contains(.report(.disconnected(.silence))))
        guard case .waitingToReconnect(let until) = machine.state else {
            Issue.record("expected waitingToReconnect, got \(machine.state)")
            return
        }
        #expect(until >= at(48.5) && until <= at(48.75))
        #expect(machine.reconnectCount == 1)
    }

    @Test func reconnectsWithGrowingJitteredBackoffAndResubscribes() {
        var machine = Machine(configuration: Self.configuration, subscriptions: [Self.trades], seed: 7)
        _ = machine.start(now: at(0))
        var now = at(0)
        var delays: [Int64] = []
        for _ in 0..<6 {
            let actions = machine.connectionLost(now: now, reason: .connectFailed("refused"))
            #expect(actions.first == .report(.disconnected(.connectFailed("refused"))))
            guard case .waitingToReconnect(let until) = machine.state else {
                Issue.record("not waiting")
                return
            }
            delays.append(until.nanoseconds(since: now))
            #expect(machine.tick(now: until.advanced(byNanoseconds: -1)).isEmpty)
            #expect(machine.tick(now: until) == [.connect])
            now = until
        }
        let bases: [Int64] = [1, 2, 4, 8, 8, 8].map { $0 * 1_000_000_000 }
        for (delay, base) in zip(delays, bases) {
            #expect(delay >= base && delay <= base + base / 4, "delay \(delay) for base \(base)")
        }
        #expect(Set(delays.enumerated().map { $0.element - bases[$0.offset] }).count > 1, "jitter varies")
        #expect(machine.reconnectCount == 6)
        // A connection that delivers data resets the backoff; subscriptions are sent again.
        #expect(machine.connectionEstablished(now: now) == [.report(.connected), .send(.subscribe([Self.trades]))])
        machine.frameReceived(now: now)
        _ = machine.connectionLost(now: now, reason: .closedByPeer)
        guard case .waitingToReconnect(let until) = machine.state else { return }
        #expect(until.nanoseconds(since: now) <= 1_250_000_000)
    }

    @Test func sameSeedSameDelays() {
        func delays(seed: UInt64) -> [Timestamp] {
            var machine = Machine(configuration: Self.configuration, seed: seed)
            _ = machine.start(now: at(0))
            var result: [Timestamp] = []
            for _ in 0..<4 {
                _ = machine.connectionLost(now: at(0), reason: .closedByPeer)
                if case .waitingToReconnect(let until) = machine.state { result.append(until) }
                _ = machine.tick(now: at(100))
            }
            return result
        }
        #expect(delays(seed: 1) == delays(seed: 1))
        #expect(delays(seed: 1) != delays(seed: 2))
    }

    @Test func subscribeUnsubscribeResubscribeAndStop() {
        var machine = Machine(configuration: Self.configuration, subscriptions: [Self.trades])
        #expect(machine.subscribe([Self.books]).isEmpty)  // not connected yet: remembered only
        _ = machine.start(now: at(0))
        #expect(machine.connectionEstablished(now: at(0)) == [.report(.connected), .send(.subscribe([Self.trades, Self.books]))])
        let candles = OKXSubscription(channel: "candle1m", instId: "BTC-USDT")
        #expect(machine.subscribe([candles, Self.trades]) == [.send(.subscribe([candles]))])
        #expect(machine.resubscribe(Self.books) == [.send(.unsubscribe([Self.books])), .send(.subscribe([Self.books]))])
        #expect(machine.unsubscribe([candles]) == [.send(.unsubscribe([candles]))])
        #expect(machine.subscriptions == [Self.trades, Self.books])
        #expect(machine.stop() == [.closeConnection(.stopped), .report(.disconnected(.stopped))])
        #expect(machine.connectionLost(now: at(1), reason: .closedByPeer).isEmpty)
        #expect(machine.tick(now: at(100)).isEmpty)
    }
}

@Suite(.watchdog) struct TradeDeduplicatorTests {
    @Test func repeatsAreDroppedAndMemoryIsBounded() throws {
        let instrument = try InstrumentId(parsing: "BTC-USDT")
        func trade(_ id: Int) -> TradeTick {
            TradeTick(instrument: instrument, tradeId: TradeId(String(id)), price: .zero, quantity: .zero, side: .buy, timestamp: .zero)
        }
        var deduplicator = TradeDeduplicator(capacityPerInstrument: 3)
        let sightings = [1, 1, 2, 3, 4, 1, 4].map { deduplicator.isFirstSighting(trade($0)) }
        // 4 evicts 1 (capacity 3), so the second 1 is new again; the second 4 is a repeat.
        #expect(sightings == [true, false, true, true, true, true, false])
        #expect(deduplicator.duplicatesDropped == 2)
    }
}

@Suite(.watchdog) struct FeedConfigurationTests {
    @Test func environmentOverridesTheConfigFile() throws {
        let configuration = try FeedConfiguration(
            section: ["public_url": "wss://example.test/ws/v5/public", "ping_after_seconds": "15"],
            environment: ["OKX_WS_BUSINESS_URL": "ws://127.0.0.1:9/ws/v5/business"])
        #expect(configuration.publicURL == "wss://example.test/ws/v5/public")
        #expect(configuration.businessURL == "ws://127.0.0.1:9/ws/v5/business")
        #expect(configuration.connection.pingAfterSilenceNanoseconds == 15_000_000_000)
        #expect(throws: FeedConfigurationError.unknownKey("public_ur")) { try FeedConfiguration(section: ["public_ur": "x"], environment: [:]) }
        #expect(throws: FeedConfigurationError.self) { try FeedConfiguration(section: ["ping_after_seconds": "30"], environment: [:]) }
        #expect(throws: FeedConfigurationError.self) { try FeedConfiguration(section: [:], environment: ["OKX_WS_PUBLIC_URL": "http://x"]) }
    }
}
