@_exported import StrategyKit
@_exported import TradingCore
import Foundation
import Logging
import Portfolio
import Risk
import RuntimeHost

/// Runs one strategy type in this process, with no plugin library and no database, through the
/// host's real engine: the data-quality gate, the risk engine, the paper venue and the portfolio,
/// built from `config/runtime.yaml` and `config/instruments.yaml` exactly as `runtime replay`
/// builds them. Feed it market events built in the test or a recording, move its clock, and read
/// what became of the strategy's orders:
///
/// ```swift
/// import StrategyKitTesting
/// import Testing
/// import SMACrossover
///
/// @Test func buysOnTheUpCross() throws {
///     let tester = try StrategyTester(SMACrossover.self, parameters: [
///         "fast_period": 2, "slow_period": 4, "order_quantity": 0.01,
///     ], bars: "1s")
///     // Falling sets the fast average under the slow one; the rise crosses it up.
///     try tester.trades("BTC-USDT", prices: [100, 99.5, 99, 98.5, 98, 98.5, 99.5, 100.5, 101.5], every: .seconds(1))
///     #expect(tester.orders.map(\.side) == [.buy])
///     #expect(try tester.position("BTC-USDT").isLong)
/// }
/// ```
///
/// Time is event time only: the tester's clock (``now``) starts at ``StrategyTesterClock/start``
/// and moves when the test says so (``advance(by:)``, an event's `at:`, or one step per element of
/// ``trades(_:prices:every:size:side:)``), never with the wall clock, so a test decides the same
/// way every run. The engine starts the strategy at the first event; ``finish()`` stops it (its
/// `stop()` runs, e.g. flattening). Everything read back is a value.
///
/// Not thread-safe: one test drives one tester.
public final class StrategyTester<S: Strategy> {
    /// The strategy's name (the manifest's `name:`).
    public let name: StrategyName
    /// The manifest it runs under, as validated.
    public let manifest: StrategyManifest
    /// The instruments' trading rules (tick, lot and minimum size), in manifest order.
    public let instruments: [Instrument]
    /// The strategy instance: read its own state through it.
    public let strategy: S
    /// The tester's clock: when an event built without `at:` happens. Never moves back.
    public internal(set) var now: Timestamp

    let engine: TradingEngine
    let runner: StrategyRunner
    let journal: TesterJournal
    let logRecorder: LogRecorder
    private(set) var started = false
    private(set) var finished = false
    var tradeSequence = 0

    // MARK: Building

    /// A tester for `type` with parameters written in the test, on `instruments`, subscribed to
    /// `channels` (OKX names, as a manifest writes them: `trades`, `books`, `tickers`, `candle1m`),
    /// with `capital` (quote currency) and `riskLimits` (a manifest's `risk_limits:` keys; none by
    /// default, so only the risk engine's own defaults apply: the price band, the order rate and
    /// open-order count, and the account limits of `config/runtime.yaml`).
    ///
    /// - Parameters:
    ///   - bars: the interval of the bars the host builds and delivers to `onBar` (as a manifest's
    ///     `bars: {interval:}` writes it, e.g. `1s`, `1m`), from `barSource`; nil: no bars.
    ///   - name: the strategy name its order ids and records carry (default: the type's name, lower-cased).
    ///   - start: where the clock starts (default ``StrategyTesterClock/start``).
    ///   - settings: the host settings (default: `config/runtime.yaml`, as `runtime replay` reads it).
    ///   - catalog: the instruments' rules (default: `config/instruments.yaml`).
    /// - Throws: ``StrategyTesterError`` naming what is wrong: an unknown instrument, channel or
    ///   risk limit, or the manifest check's findings (a parameter of the wrong type, missing or
    ///   unknown, or refused by the strategy's own `init`).
    public convenience init(_ type: S.Type, parameters: ParameterMap = [:], instruments: [String] = ["BTC-USDT"],
                            channels: [String] = ["trades"], capital: Double = 10_000, riskLimits: [String: Double] = [:],
                            bars: String? = nil, barSource: BarSource = .trades,
                            name: String? = nil, start: Timestamp = StrategyTesterClock.start, settings: HostSettings? = nil,
                            catalog: InstrumentCatalog? = nil) throws {
        let typeName = String(describing: type)
        let source = "StrategyTester(\(typeName).self)"
        var ids: [InstrumentId] = []
        for symbol in instruments {
            do { ids.append(try InstrumentId(parsing: symbol)) } catch {
                throw StrategyTesterError("\(source): instruments: '\(symbol)' is not an OKX instrument id (e.g. BTC-USDT, BTC-USDT-SWAP): \(error)")
            }
        }
        var parsedChannels: [StrategyChannel] = []
        for channel in channels {
            guard let parsed = StrategyChannel(name: channel) else {
                throw StrategyTesterError("\(source): channels: '\(channel)' is not a channel strategies subscribe to (trades, tickers, books, books5, bbo-tbt, candle1m, candle1H, ...)")
            }
            parsedChannels.append(parsed)
        }
        var limits: [RiskLimitKey: FixedPoint] = [:]
        for (key, value) in riskLimits {
            guard let limit = RiskLimitKey(rawValue: key) else {
                throw StrategyTesterError("\(source): riskLimits: '\(key)' is not a risk limit (known: \(RiskLimitKey.allCases.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            guard let exact = DecimalLiteral.fixedPoint(value) else {
                throw StrategyTesterError("\(source): riskLimits: \(key) \(value) is not a decimal of at most 12 places")
            }
            limits[limit] = exact
        }
        guard let capitalValue = DecimalLiteral.fixedPoint(capital), capitalValue.isPositive else {
            throw StrategyTesterError("\(source): capital must be a positive amount, got \(capital)")
        }
        let strategyName = name ?? typeName.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        let manifest = StrategyManifest(name: StrategyName(strategyName), plugin: typeName, strategy: typeName, version: "0.0.0",
                                        instruments: ids, channels: parsedChannels, parameters: parameters.parameterValue,
                                        allocatedCapital: Money(capitalValue), riskLimits: limits, mode: .paper,
                                        bars: try bars.map { try Self.barSpecification($0, source: barSource, origin: source) })
        try self.init(type, manifest: manifest, source: source, start: start, settings: settings, catalog: catalog)
    }

    /// A tester for `type` under a manifest file, as `runtime deploy` would read it, with some
    /// parameters replaced (or added) by `parameters`. A relative `path` is relative to the package
    /// of the calling file (the nearest folder above it with a Package.swift), so
    /// `"strategies/sma_crossover.yaml"` works from any test target of this package. `bars`, when
    /// given, replaces the interval of the manifest's `bars:` (e.g. `1s` for a short test).
    /// - Throws: ``StrategyTesterError`` when the file cannot be read, its manifest is invalid, or
    ///   it deploys another strategy type than `type`.
    public convenience init(_ type: S.Type, manifest path: String, parameters: ParameterMap = [:], bars: String? = nil,
                            start: Timestamp = StrategyTesterClock.start, settings: HostSettings? = nil,
                            catalog: InstrumentCatalog? = nil, file: StaticString = #filePath) throws {
        let url = try PackagePath.resolve(path, from: file)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw StrategyTesterError("cannot read the manifest \(url.path): \(error.localizedDescription)")
        }
        try self.init(type, manifestYAML: text, parameters: parameters, bars: bars, source: url.path, start: start, settings: settings,
                      catalog: catalog)
    }

    /// A tester for `type` under manifest text (YAML, as in `strategies/NAME.yaml`), with some
    /// parameters replaced (or added) by `parameters` and its bar interval by `bars`; `source` names it in errors.
    /// - Throws: ``StrategyTesterError`` when the manifest is invalid or deploys another strategy type.
    public convenience init(_ type: S.Type, manifestYAML text: String, parameters: ParameterMap = [:], bars: String? = nil,
                            source: String = "manifest", start: Timestamp = StrategyTesterClock.start,
                            settings: HostSettings? = nil, catalog: InstrumentCatalog? = nil) throws {
        var manifest: StrategyManifest
        do { manifest = try ManifestParser.parse(text, source: source) } catch {
            throw StrategyTesterError("\(error)")
        }
        let typeName = String(describing: type)
        guard manifest.strategy == typeName else {
            throw StrategyTesterError("\(source) deploys the strategy \(manifest.strategy), not \(typeName): test \(manifest.strategy).self with it, or use \(typeName)'s manifest")
        }
        if !parameters.values.isEmpty {
            guard case .object(var values) = manifest.parameters else {
                throw StrategyTesterError("\(source): its parameters are not a map, so none can be replaced")
            }
            for (key, value) in parameters.values { values[key] = value.value }
            manifest.parameters = .object(values)
        }
        if let bars {
            manifest.bars = try Self.barSpecification(bars, source: manifest.bars?.source ?? .trades, origin: source)
        }
        try self.init(type, manifest: manifest, source: source, start: start, settings: settings, catalog: catalog)
    }

    static func barSpecification(_ text: String, source: BarSource, origin: String) throws -> BarSpecification {
        do { return BarSpecification(interval: try BarInterval(parsing: text), source: source) } catch {
            throw StrategyTesterError("\(origin): bars: \(error)")
        }
    }

    /// The tester for a parsed manifest: validated as `runtime deploy` validates it, except that
    /// the strategy type is registered here in-process instead of loaded from `plugin:`; `source`
    /// names the manifest in errors.
    /// - Throws: ``StrategyTesterError`` with every finding of the manifest check (each naming its
    ///   field), or when config/runtime.yaml or config/instruments.yaml cannot be read.
    public init(_ type: S.Type, manifest: StrategyManifest, source: String, start: Timestamp = StrategyTesterClock.start,
                settings: HostSettings? = nil, catalog: InstrumentCatalog? = nil) throws {
        let catalog = try catalog ?? Self.shippedCatalog()
        let settings = try settings ?? Self.shippedSettings()
        let registrar = StrategyRegistrar()
        registrar.register(type, as: manifest.strategy)
        guard let registration = registrar.registration(named: manifest.strategy) else {
            throw StrategyTesterError("\(source): \(manifest.strategy) could not be registered")
        }
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: []), instrument: { catalog[$0] })
        let validated: ValidatedManifest
        do { validated = try validator.validate(manifest, registration: registration, source: source) } catch {
            throw StrategyTesterError("\(error)")
        }
        let engineStrategy: EngineStrategy
        do { engineStrategy = try EngineStrategy(validated: validated) } catch {
            throw StrategyTesterError("\(source): risk_limits: \(error)")
        }
        let logRecorder = LogRecorder()
        let engine: TradingEngine
        do {
            engine = try HostLauncher.makeEngine(strategies: [engineStrategy], mode: .replay, settings: settings, runTag: "T",
                                                 logger: logRecorder.logger(label: "StrategyTester"))
        } catch {
            throw StrategyTesterError("\(source): \(error)")
        }
        guard let runner = engine.runner(of: manifest.name), let strategy = runner.strategy as? S else {
            throw StrategyTesterError("\(source): the engine did not create \(type) as \(manifest.name)")
        }
        // The checker costs little at a test's volume and turns an accounting slip into a finding.
        engine.invariantChecker = InvariantChecker()
        let journal = TesterJournal()
        runner.orderObserver = { notice, time in journal.observe(notice, at: time) }
        self.name = manifest.name
        self.manifest = manifest
        self.instruments = validated.instruments
        self.strategy = strategy
        self.now = start
        self.engine = engine
        self.runner = runner
        self.journal = journal
        self.logRecorder = logRecorder
    }

    static func shippedCatalog() throws -> InstrumentCatalog {
        do { return try InstrumentCatalog.load(contentsOf: ProjectPaths.instruments) } catch {
            throw StrategyTesterError("\(error) (pass catalog: to use other instruments)")
        }
    }

    static func shippedSettings() throws -> HostSettings {
        do { return try HostSettings.load() } catch {
            throw StrategyTesterError("\(error) (pass settings: to use other host settings)")
        }
    }

    // MARK: The clock

    /// Moves the clock forward by `duration`: orders in flight reach the paper venue (its
    /// `paper.latency_ms`), and marks and risk windows catch up, as if the market were quiet.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(byNanoseconds: duration.wholeNanoseconds))
    }

    /// Moves the clock forward to `time` (an earlier time changes nothing); see ``advance(by:)``.
    public func advance(to time: Timestamp) {
        guard time > now else { return }
        now = time
        // Before the first event there is nothing to move: the engine starts at that event.
        guard started, !finished else { return }
        engine.advance(to: time)
        collect()
    }

    // MARK: Feeding

    /// Plays one market event through the engine (quality gate, book, venue, marks, the strategy,
    /// risk, venue, portfolio) and moves the clock to its time if that is later.
    /// - Throws: ``StrategyTesterError`` when the tester has finished, or when the data-quality
    ///   gate refused the event (it then never reached the strategy): the error names the check.
    public func send(_ event: MarketEvent) throws {
        guard !finished else { throw StrategyTesterError("the tester has finished (finish() stopped the strategy); build a new one") }
        let time = event.timestamp
        startIfNeeded(at: time)
        let refusedBefore = engine.summary.rejected
        engine.handle(event, receivedAt: time)
        if time > now { now = time }
        collect()
        let refusedAfter = engine.summary.rejected
        if let reason = refusedAfter.keys.sorted().first(where: { refusedAfter[$0] != refusedBefore[$0] }) {
            throw StrategyTesterError("the data-quality gate refused \(event.testerDescription): \(reason); the strategy never saw it (the thresholds are the quality: section of config/runtime.yaml, or of the settings: passed in)")
        }
    }

    /// Stops the strategy at the current time (its `stop()` runs, and the orders it sends there
    /// reach the venue), and stops the tester: what it reports stays readable.
    public func finish() {
        guard !finished else { return }
        finished = true
        guard started else { return }
        engine.stop(at: now)
        collect()
    }

    func startIfNeeded(at time: Timestamp) {
        guard !started else { return }
        started = true
        engine.start(at: time)
        collect()
    }

    func collect() { journal.collect(engine.drainOutbox()) }

    // MARK: Results

    /// Every order the strategy submitted, in submission order, as each stands now (refused ones
    /// included, with status `rejected`).
    public var orders: [TestOrder] { journal.orders }
    /// The orders still working at the venue, as the strategy's context sees them.
    public var openOrders: [OpenOrder] { runner.context.openOrders }
    /// Every fill, oldest first, as the strategy's `onFill` received it.
    public var fills: [Fill] { journal.fills }
    /// Every refused command (risk or venue), oldest first, with the reason the strategy was given.
    public var rejections: [TestRejection] { journal.rejections }
    /// The commands a pre-trade risk check refused.
    public var riskRejections: [TestRejection] { journal.rejections.filter(\.isRiskCheck) }
    /// The risk events the risk engine raised (refusals, trims, monitor breaches, state changes),
    /// as the risk_events table would hold them: identical refusals after the first are summarised.
    public var riskEvents: [RiskEvent] { journal.riskEvents }
    /// The strategy's trading state now (`active`, `reducing`, `halted`, ...).
    public var state: StrategyTradingState { engine.risk.state(of: name) ?? .active }
    /// The risk engine's changes of the trading state, oldest first.
    public var stateChanges: [TestStateChange] { journal.stateChanges }
    /// What the strategy threw, if a callback threw (it is then halted and receives nothing more).
    public var fault: StrategyFault? {
        if case .halted(let fault) = runner.state { return fault }
        return nil
    }
    /// The strategy's profit and loss now.
    public var pnl: TestPnL {
        let context = runner.context
        return TestPnL(realized: context.realizedPnL, unrealized: context.unrealizedPnL, fees: context.fees,
                       equity: engine.portfolio.equity(of: name))
    }
    /// The strategy's positions, one per instrument (flat ones included).
    public var positions: [StrategyPosition] { runner.context.positions }
    /// The lines the strategy and the engine logged, oldest first (a test run prints none of them).
    public var log: [TestLogLine] { logRecorder.all }
    /// The engine's counters: events by kind, quality verdicts, orders, fills, refusals.
    public var summary: EngineSummary { engine.summary }
    /// Broken agreements between strategy, risk, venue and portfolio (an engine bug, not a strategy's).
    public var invariantViolations: [InvariantViolation] { engine.invariantViolations }

    /// The strategy's position in `instrument`, as its context reads it.
    /// - Throws: ``StrategyTesterError`` when `instrument` is not one of the strategy's.
    public func position(_ instrument: String) throws -> StrategyPosition {
        runner.context.position(try self.instrument(instrument).id)
    }

    /// The rules of one of the strategy's instruments.
    /// - Throws: ``StrategyTesterError`` when it is not one of them.
    public func instrument(_ symbol: String) throws -> Instrument {
        guard let found = instruments.first(where: { $0.id.symbol == symbol }) else {
            throw StrategyTesterError("\(symbol) is not one of \(name)'s instruments (\(instruments.map(\.id.symbol).joined(separator: ", "))); add it to instruments:")
        }
        return found
    }
}

/// Where a ``StrategyTester``'s clock starts unless told otherwise.
public enum StrategyTesterClock {
    /// 2025-01-01T00:00:00Z: a fixed instant, so a test's times are the same every run.
    public static let start = Timestamp(millisecondsSinceEpoch: 1_735_689_600_000)
}
