import Foundation
import Logging
import OKXTestServer
import Synchronization
import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// The live feed over a real socket against OKXTestServer, which drops the connection twice, goes silent
/// once and repeats recent trades after every resubscribe.
@Suite(.watchdog) struct LiveFeedAgainstTestServerTests {
    @Test func everyTradeOnceAndAllSubscriptionsRestoredAfterDropsAndSilence() async throws {
        let frames = try FixtureFiles.lines("okx/ws/trades.jsonl")
        var expected: [String] = []
        var subscriptions: [OKXSubscription] = []
        for line in frames {
            let object = try IndependentReading.object(line)
            let arg = try #require(object["arg"] as? [String: Any])
            let subscription = OKXSubscription(channel: try IndependentReading.string(arg, "channel"),
                                               instId: try IndependentReading.string(arg, "instId"))
            if !subscriptions.contains(subscription) { subscriptions.append(subscription) }
            for trade in try #require(object["data"] as? [[String: Any]]) {
                expected.append(subscription.instId! + "/" + (try IndependentReading.string(trade, "tradeId")))
            }
        }
        let server = try await OKXTestServer.start(script: OKXTestScript(
            frames: frames, interval: .milliseconds(3), dropConnectionAfter: [15, 40], goSilentAfter: [60], repeatOnResubscribe: 5))
        let configuration = try FeedConfiguration(section: [:], environment: ["OKX_WS_PUBLIC_URL": server.publicURL,
                                                                              "OKX_WS_BUSINESS_URL": server.businessURL])
        var tuned = configuration
        tuned.connection = .init(pingAfterSilenceNanoseconds: 200_000_000, pongTimeoutNanoseconds: 300_000_000,
                                 initialBackoffNanoseconds: 50_000_000, maximumBackoffNanoseconds: 400_000_000)
        tuned.tickIntervalNanoseconds = 20_000_000
        tuned.jitterSeed = 42
        let feed = OKXLiveFeed(configuration: tuned, subscriptions: subscriptions, logger: Logger(label: "test-feed"))

        let delivered = Mutex<[String]>([])
        let connectionEvents = Mutex<[FeedConnectionEvent]>([])
        let consumer = Task {
            for await event in feed.events() {
                switch event {
                case .market(.trade(let trade), _):
                    delivered.withLock { $0.append(trade.instrument.symbol + "/" + trade.tradeId.rawValue) }
                case .connection(_, let change):
                    connectionEvents.withLock { $0.append(change) }
                default:
                    break
                }
            }
        }
        feed.start()
        let wanted = Set(subscriptions.map { OKXTestChannel(channel: $0.channel, instId: $0.instId!) })
        let finished = await server.wait(timeout: .minutes(5)) { statistics in
            statistics.allFramesServed && statistics.liveSubscriptions == wanted
        }
        // Let the last frames travel, then check the feed's view too.
        try await Wait.until("every served trade delivered (\(expected.count)) and every subscription acknowledged", {
            (delivered: delivered.withLock { $0.count }, subscribed: feed.isFullySubscribed)
        }, satisfies: { $0.delivered >= expected.count && $0.subscribed })
        let statistics = server.statistics
        let metrics = try #require(feed.metrics.first)
        let fullySubscribed = feed.isFullySubscribed
        await feed.stop()
        await consumer.value
        try await server.shutdown()

        #expect(finished)
        #expect(statistics.connectionsDropped == 2)
        #expect(statistics.silences == 1)
        #expect(statistics.connectionsAccepted >= 4)
        #expect(statistics.framesServed > frames.count, "the server repeated frames after reconnects")
        #expect(statistics.liveSubscriptions == wanted, "all subscriptions restored on the server")
        #expect(fullySubscribed, "all subscriptions acknowledged on the client")
        let got = delivered.withLock { $0 }
        #expect(got.count == expected.count)
        #expect(Set(got).count == got.count, "no trade delivered twice")
        #expect(Set(got) == Set(expected), "every served trade delivered")
        #expect(metrics.reconnects >= 3)
        #expect(metrics.duplicateTradesDropped > 0)
        #expect(metrics.pingsSent >= 1)
        #expect(metrics.decodeErrors == 0)
        let changes = connectionEvents.withLock { $0 }
        #expect(changes.contains(.disconnected(.silence)))
        #expect(changes.filter { $0 == .disconnected(.closedByPeer) }.count >= 2)
    }

    @Test func serverAnswersPingAndAcknowledgesSubscriptions() async throws {
        let server = try await OKXTestServer.start(script: OKXTestScript(frames: []))
        var configuration = FeedConfiguration(publicURL: server.publicURL, businessURL: server.businessURL, jitterSeed: 1)
        configuration.connection = .init(pingAfterSilenceNanoseconds: 100_000_000, pongTimeoutNanoseconds: 2_000_000_000)
        configuration.tickIntervalNanoseconds = 20_000_000
        let subscriptions = [OKXSubscription(channel: "trades", instId: "BTC-USDT"), OKXSubscription(channel: "candle1m", instId: "BTC-USDT")]
        let feed = OKXLiveFeed(configuration: configuration, subscriptions: subscriptions)
        feed.start()
        let answered = await server.wait(timeout: .minutes(5)) { $0.pingsAnswered >= 2 && $0.liveSubscriptions.count == 2 }
        try await Wait.until("every subscription acknowledged on the client") { feed.isFullySubscribed }
        let metrics = feed.metrics
        await feed.stop()
        try await server.shutdown()
        #expect(answered)
        #expect(metrics.map(\.endpoint) == [.public, .business], "candles go to the business endpoint")
        #expect(metrics.allSatisfy { $0.isFullySubscribed && $0.reconnects == 0 })
    }

    @Test func aRecordingOfTheLiveFeedReplaysToTheSameEvents() async throws {
        let frames = try FixtureFiles.lines("okx/ws/books5.jsonl") + FixtureFiles.lines("okx/ws/candle1m.jsonl")
        var subscriptions: [OKXSubscription] = []
        for line in frames {
            let arg = try #require(try IndependentReading.object(line)["arg"] as? [String: Any])
            let subscription = OKXSubscription(channel: try IndependentReading.string(arg, "channel"), instId: try IndependentReading.string(arg, "instId"))
            if !subscriptions.contains(subscription) { subscriptions.append(subscription) }
        }
        let server = try await OKXTestServer.start(script: OKXTestScript(frames: frames, dropConnectionAfter: [3]))
        var configuration = FeedConfiguration(publicURL: server.publicURL, businessURL: server.businessURL, jitterSeed: 3)
        configuration.connection = .init(initialBackoffNanoseconds: 20_000_000, maximumBackoffNanoseconds: 100_000_000)
        configuration.tickIntervalNanoseconds = 10_000_000
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try FrameRecorder(path: path)
        let feed = OKXLiveFeed(configuration: configuration, subscriptions: subscriptions, rawFrames: { recorder.record($0) })
        let live = Mutex<[FeedEvent]>([])
        let consumer = Task {
            for await event in feed.events() {
                if case .market = event { live.withLock { $0.append(event) } }
            }
        }
        feed.start()
        let served = await server.wait(timeout: .minutes(5)) { $0.allFramesServed }
        try await Wait.until("\(frames.count) market events from the live feed", { live.withLock { $0.count } },
                             satisfies: { $0 >= frames.count })
        await feed.stop()
        await consumer.value
        recorder.close()
        try await server.shutdown()
        #expect(served)
        let liveEvents = live.withLock { $0 }
        #expect(liveEvents.count == frames.count)
        let replayed = try ReplayFeed(paths: [path]).allEvents().filter { if case .market = $0 { true } else { false } }
        #expect(replayed == liveEvents, "the recording replays to exactly the events the live feed delivered")
        let endpoints = Set(try RecordedFrames.load(paths: [path]).compactMap(\.endpoint))
        #expect(endpoints == [.public, .business])
    }
}
