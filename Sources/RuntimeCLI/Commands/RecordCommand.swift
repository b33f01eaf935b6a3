import ArgumentParser
import RuntimeHost
import Foundation
import History
import Logging
import MarketData
import TradingCore

/// `runtime record`: connects to OKX's live public feed and writes every frame received, with its receive
/// time, to a JSON Lines file in the recording format (see `FrameRecording`):
/// `{"recv_ns":<ns since epoch>,"endpoint":"public|business","frame":"<raw text frame>"}` per line.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record live OKX frames with their receive time to a JSONL file.",
        discussion: """
        Each line is {"recv_ns":<receive time, ns since epoch>,"endpoint":"public|business","frame":"<raw frame>"}.
        `runtime replay FILE` plays such files (and plain files of raw OKX frames) on event time.
        Endpoints come from the feed section of the config file; OKX_WS_PUBLIC_URL / OKX_WS_BUSINESS_URL override.
        """)

    @Option(name: .customLong("inst"), help: "Instrument ids, comma separated, e.g. BTC-USDT,ETH-USDT-SWAP.")
    var instruments: String

    @Option(help: "Channels, comma separated, e.g. trades,books5,candle1m.")
    var channels: String

    @Option(help: "The JSONL file to write (replaced if it exists).")
    var out: String

    @Option(parsing: .unconditional, help: "Stop after this long: 90s, 10m, 2h. Without it, record until interrupted (Ctrl-C).")
    var duration: String?

    @Option(help: "The runtime config file (its feed: section is used).")
    var config: String = "config/runtime.yaml"

    func run() async throws {
        let subscriptions = try Self.subscriptions(instruments: instruments, channels: channels)
        let limit = try duration.map(Self.parseDuration)
        let section = try RuntimeConfiguration(contentsOf: config).section("feed", as: [String: String].self)
        let feedConfiguration = try FeedConfiguration(section: section, environment: ProcessInfo.processInfo.environment)
        let recorder = try FrameRecorder(path: out)
        let logger = Logger(label: "runtime.record")
        let feed = OKXLiveFeed(configuration: feedConfiguration, subscriptions: subscriptions, logger: logger,
                               rawFrames: { frame in recorder.record(frame) },
                               bookSnapshots: try BookSnapshotDownloader.forFeed(logger: logger))
        // OKX's books channels send no snapshot on subscribe: the recorder follows each book as the
        // host does, so the snapshots it fetches land in the recording and a replay can build the book.
        var books = OrderBooks()
        logger.info("recording", metadata: ["subscriptions": "\(subscriptions.map(\.description).joined(separator: ","))",
                                            "out": "\(out)", "public": "\(feedConfiguration.publicURL)",
                                            "business": "\(feedConfiguration.businessURL)"])
        // Ctrl-C ends the recording cleanly (buffer flushed) instead of killing the process.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler {
            logger.info("interrupted: stopping")
            Task { await feed.stop() }
        }
        interrupt.resume()
        let timer = limit.map { limit in
            Task {
                try? await Task.sleep(for: limit)
                await feed.stop()
            }
        }
        // Flush once a second so an abrupt end loses at most a second of frames.
        let flusher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                recorder.flush()
            }
        }
        feed.start()
        var lastDisconnect: String?
        for await event in feed.events() {
            switch event {
            case .connection(let endpoint, let change):
                logger.debug("feed \(endpoint): \(change)")
                if case .disconnected(let reason) = change { lastDisconnect = "\(endpoint): \(reason)" }
            case .exchangeMessage(let endpoint, let message):
                logger.warning("OKX \(endpoint): \(message)")
            case .decodeFailure(let error, _):
                logger.warning("undecodable frame recorded as received: \(error)")
            case .market(.book(let update), let receivedAt):
                if let wanted = books.apply(update, now: receivedAt).resubscribe { feed.requestSnapshot(wanted) }
            case .market:
                break
            }
        }
        timer?.cancel()
        flusher.cancel()
        interrupt.cancel()
        recorder.close()
        for metrics in feed.metrics {
            print("\(metrics.endpoint): \(metrics.framesReceived) frames, \(metrics.marketEvents) market events, "
                  + "\(metrics.reconnects) reconnects, \(metrics.decodeErrors) decode errors, max lag \(metrics.maximumLagNanoseconds / 1_000_000) ms")
        }
        print("recorded \(recorder.frameCount) frames to \(out)")
        // A connected feed records at least the subscription's acknowledgement.
        if recorder.frameCount == 0 {
            let urls = feed.metrics.map { $0.endpoint == .business ? feedConfiguration.businessURL : feedConfiguration.publicURL }
            throw CommandFailure.exit("record", "recorded nothing: OKX was never reached at \(urls.joined(separator: " and "))"
                + (lastDisconnect.map { " (last failure: \($0))" } ?? "") + "; check the network, or OKX_WS_PUBLIC_URL / OKX_WS_BUSINESS_URL")
        }
    }

    static func subscriptions(instruments: String, channels: String) throws -> [OKXSubscription] {
        let ids = instruments.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let names = channels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ids.isEmpty else { throw ValidationError("--inst needs at least one instrument id") }
        guard !names.isEmpty else { throw ValidationError("--channels needs at least one channel") }
        for id in ids {
            do { _ = try InstrumentId(parsing: id) } catch { throw ValidationError("--inst: \(error)") }
        }
        for name in names where !OKXCodec.decodesMarketData(channel: name) {
            throw ValidationError("--channels: '\(name)' is not a market-data channel (tickers, trades, trades-all, books, books5, bbo-tbt, books-l2-tbt, books50-l2-tbt, candle1s...candle1W)")
        }
        return ids.flatMap { id in names.map { OKXSubscription(channel: $0, instId: id) } }
    }

    /// `90s`, `10m`, `2h`, or plain seconds.
    static func parseDuration(_ text: String) throws -> Duration {
        let units: [(Character, Int64)] = [("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let unit = units.first(where: { $0.0 == last }) {
            number = text.dropLast()
            multiplier = unit.1
        }
        guard let value = Int64(number), value > 0 else {
            throw ValidationError("--duration '\(text)': expected a positive whole number with s, m or h, e.g. 10m")
        }
        return .seconds(value * multiplier)
    }
}
