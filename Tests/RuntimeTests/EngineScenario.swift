import DataQuality
import Execution
import Foundation
import Logging
import Portfolio
import Risk
import RuntimeHost
@_spi(Host) import StrategyKit
import Synchronization
import Testing
import TradingCore

/// What a scripted strategy does in each callback: the test's closures.
final class Script: @unchecked Sendable {
    var onTrade: (StrategyContext, TradeTick) throws -> Void = { _, _ in }
    var onTicker: (StrategyContext, Ticker) throws -> Void = { _, _ in }
    var onCandle: (StrategyContext, Candle) throws -> Void = { _, _ in }
    var onFill: (StrategyContext, Fill) throws -> Void = { _, _ in }
    var onRejected: (StrategyContext, OrderRejection) throws -> Void = { _, _ in }
    var onCanceled: (StrategyContext, OpenOrder) throws -> Void = { _, _ in }

    /// Scripts by strategy name, taken by the strategy when the engine creates it (names are
    /// unique per test, so tests running in parallel never see each other's).
    static let table = Mutex<[StrategyName: Script]>([:])
}

/// A strategy whose callbacks run its ``Script``, so a test reads like the scenario it checks.
final class ScriptedStrategy: Strategy {
    struct MissingScript: Error {}
    let context: StrategyContext
    let script: Script

    init(context: StrategyContext, parameters: NoParameters) throws {
        self.context = context
        guard let script = Script.table.withLock({ $0.removeValue(forKey: context.name) }) else { throw MissingScript() }
        self.script = script
    }

    func onTrade(_ trade: TradeTick) throws { try script.onTrade(context, trade) }
    func onTicker(_ ticker: Ticker) throws { try script.onTicker(context, ticker) }
    func onCandle(_ candle: Candle) throws { try script.onCandle(context, candle) }
    func onFill(_ fill: Fill) throws { try script.onFill(context, fill) }
    func onOrderRejected(_ rejection: OrderRejection) throws { try script.onRejected(context, rejection) }
    func onOrderCanceled(_ order: OpenOrder) throws { try script.onCanceled(context, order) }
}

/// One scripted strategy trading through the whole engine (risk, paper venue, ledger, rollups)
/// on events the test makes, with the invariant checker on.
final class EngineScenario {
    let engine: TradingEngine
    let name: StrategyName
    let script = Script()
    private(set) var records: [EngineRecord] = []
    private var time: Int64
    private var tradeNumber = 0

    /// - Parameters:
    ///   - instruments: the strategy's instruments (from config/instruments.yaml).
    ///   - fees: the paper venue's fees (none by default, so figures are round).
    init(instruments: [Instrument], limits: RiskLimits = RiskLimits(maxOrdersPerMinute: 10_000, maxOpenOrders: 1_000),
         capital: Money = Money(FixedPoint(10_000)), fees: FeeSchedule = .zero, latencyMilliseconds: Int64 = 0,
         channels: [StrategyChannel] = [.trades, .tickers, .candle(.oneMinute)], restoring: [PositionRecord] = [],
         named prefix: String = "scenario", start: Int64 = 1_722_000_000_000) throws {
        let name = StrategyName("\(prefix)\(UUID().uuidString.prefix(8).lowercased())")
        let script = script
        self.name = name
        time = start
        let registrar = StrategyRegistrar()
        registrar.register(ScriptedStrategy.self, as: "Scripted")
        let registration = try #require(registrar.registration(named: "Scripted"))
        Script.table.withLock { $0[name] = script }
        var rules = QualityRules.standard
        rules.price.enabled = false // scenarios jump prices on purpose
        let strategy = EngineStrategy(name: name, registration: registration, instruments: instruments, channels: channels,
                                      parameters: .object([:]), allocatedCapital: capital, riskLimits: limits)
        engine = try TradingEngine(strategies: [strategy], instruments: PluginTestSupport.catalog.instruments,
                                   quality: try QualityConfiguration(defaults: rules), accountLimits: AccountRiskLimits(),
                                   venue: PaperVenueConfiguration(fees: fees, latencyMilliseconds: latencyMilliseconds, orderIdSessionTag: "S"),
                                   restoredPositions: restoring, options: .init(mode: .replay, runTag: "S"),
                                   logger: Logger(label: "test.scenario"))
        engine.invariantChecker = InvariantChecker()
        engine.start(at: Timestamp(millisecondsSinceEpoch: time))
        collect()
    }

    /// The strategy's context (what the strategy reads).
    var context: StrategyContext { engine.context(of: name)! }

    /// Event time now, in milliseconds since the epoch.
    var now: Timestamp { Timestamp(millisecondsSinceEpoch: time) }

    /// Moves event time on.
    func wait(milliseconds: Int64) { time += milliseconds }

    /// A ticker with a deep top of book at `bid`/`ask` (what the venue fills market orders at when
    /// no book channel feeds the instrument).
    func quote(_ instrument: InstrumentId, bid: String, ask: String, last: String? = nil, size: String = "1000000") throws {
        let ticker = Ticker(instrument: instrument, last: try Price(parsing: last ?? bid), lastSize: try Quantity(parsing: "1"),
                            bidPrice: try Price(parsing: bid), bidSize: try Quantity(parsing: size),
                            askPrice: try Price(parsing: ask), askSize: try Quantity(parsing: size),
                            open24h: try Price(parsing: bid), high24h: try Price(parsing: ask), low24h: try Price(parsing: bid),
                            volume24h: try Quantity(parsing: "1"), volumeCurrency24h: try Quantity(parsing: "1"), timestamp: now)
        feed(.ticker(ticker))
    }

    /// A books5 snapshot: `bids` and `asks` as (price, size), best first.
    func book(_ instrument: InstrumentId, bids: [(String, String)], asks: [(String, String)]) throws {
        func levels(_ pairs: [(String, String)]) throws -> [BookLevel] {
            try pairs.map { BookLevel(price: try Price(parsing: $0.0), size: try Quantity(parsing: $0.1), orderCount: 1) }
        }
        feed(.book(BookUpdate(instrument: instrument, channel: .books5, action: .snapshot, bids: try levels(bids),
                              asks: try levels(asks), timestamp: now)))
    }

    /// A public trade of `size` at `price` (`side` is the taker's).
    func trade(_ instrument: InstrumentId, _ price: String, size: String = "1", side: Side = .buy, at stamp: Timestamp? = nil) throws {
        tradeNumber += 1
        feed(.trade(TradeTick(instrument: instrument, tradeId: TradeId("\(tradeNumber)"), price: try Price(parsing: price),
                              quantity: try Quantity(parsing: size), side: side, timestamp: stamp ?? now)))
    }

    /// A confirmed one-minute candle closing at `close`, a minute after the last one.
    func candle(_ instrument: InstrumentId, close: String) throws {
        time += 60_000
        let price = try Price(parsing: close)
        feed(.candle(Candle(instrument: instrument, interval: .oneMinute, openTime: now, open: price, high: price, low: price,
                            close: price, volume: try Quantity(parsing: "1"), isConfirmed: true)))
    }

    /// Feeds one event and keeps what the engine wrote; a broken invariant fails the test.
    func feed(_ event: MarketEvent) {
        engine.handle(event, receivedAt: now)
        collect()
    }

    /// Stops the engine (the partial day is rolled up).
    func stop() {
        engine.stop(at: now)
        collect()
    }

    private func collect() {
        records += engine.drainOutbox()
        for violation in engine.invariantViolations where !reported.contains(violation) {
            reported.insert(violation)
            Issue.record("invariant broken: \(violation)")
        }
    }
    private var reported: Set<InvariantViolation> = []

    /// The strategy's equity in the portfolio.
    var equity: Money { engine.portfolio.equity(of: name) }

    /// The portfolio's net position of the strategy in `instrument`.
    func position(_ instrument: InstrumentId) -> Position? {
        engine.portfolio.position(PositionKey(strategy: name, instrument: instrument, positionSide: .net))
    }

    /// The last positions row written for `instrument`.
    func lastPositionRow(_ instrument: InstrumentId) -> PositionRecord? {
        records.reversed().lazy.compactMap { record -> PositionRecord? in
            switch record {
            case .fill(_, let position), .positionMark(let position):
                position.symbol == instrument ? position : nil
            default:
                nil
            }
        }.first
    }

    /// The daily rollup rows written, oldest first.
    var performanceRows: [DailyPerformance] {
        records.compactMap { if case .performance(let row) = $0 { row } else { nil } }
    }
}

extension FeeSchedule {
    /// No fees at all.
    static let zero = FeeSchedule(spot: FeeRates(maker: .zero, taker: .zero), swap: FeeRates(maker: .zero, taker: .zero),
                                  futures: FeeRates(maker: .zero, taker: .zero))
}
