import Foundation
import RuntimeHost
import StrategyKit
import TestSupport
import Testing
import TradingCore

/// Manifests: the shipped ones validate with their real plugins; every bad one is refused with a
/// message naming the field.
@Suite(.watchdog) struct ManifestValidatorTests {
    static let good = """
        name: sma_test
        plugin: SMACrossover
        strategy: SMACrossover
        version: 1.2.3
        mode: paper
        instruments:
          - BTC-USDT
          - ETH-USDT
        channels: [trades, candle1m]
        parameters:
          fast_period: 5
          slow_period: 20
          order_quantity: 0.01
          allow_short: false
        allocated_capital: 10000
        risk_limits:
          max_order_quantity: 0.05
          max_order_notional: 5000
          max_position_size: 0.1
          max_leverage: 3
          price_band_pct: 5
          max_orders_per_minute: 30
          max_open_orders: 4
          max_daily_loss: 500
          max_drawdown_pct: 10
          max_consecutive_losses: 5
        """

    private func validator(deployed: [StrategyName: DeployedStrategySummary] = [:]) -> ManifestValidator {
        ManifestValidator(plugins: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                          instrument: { PluginTestSupport.catalog[$0] },
                          deployedStrategy: { deployed[$0] })
    }

    /// `good` with one line replaced (or removed when `with` is nil).
    private static func replacing(_ line: String, with replacement: String?) -> String {
        var lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let index = lines.firstIndex(of: line) else { return "LINE NOT FOUND: \(line)" }
        if let replacement { lines[index] = replacement } else { lines.remove(at: index) }
        return lines.joined(separator: "\n")
    }

    @Test func goodManifestValidates() throws {
        let validated = try validator().validate(yaml: Self.good, source: "good.yaml")
        #expect(validated.manifest.name == "sma_test")
        #expect(validated.manifest.version == "1.2.3")
        #expect(validated.manifest.instruments.map(\.symbol) == ["BTC-USDT", "ETH-USDT"])
        #expect(validated.manifest.channels == [.trades, .candle(.oneMinute)])
        #expect(validated.manifest.riskLimits[.maxLeverage] == FixedPoint(3))
        #expect(validated.manifest.riskLimits.count == RiskLimitKey.allCases.count)
        #expect(validated.instruments.count == 2)
        #expect(validated.registration.name == "SMACrossover")
        #expect(validated.manifest.riskLimitsJSON.contains("\"max_order_quantity\":0.05"))
    }

    @Test(arguments: ["sma_crossover.yaml", "mean_reversion.yaml", "market_maker.yaml"])
    func shippedManifestsValidate(file: String) throws {
        let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(file)").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let validated = try validator().validate(yaml: text, source: path)
        #expect(validated.manifest.mode == .paper)
        #expect("\(validated.manifest.name).yaml" == file)
    }

    struct BadManifest: CustomStringConvertible, Sendable {
        var label: String
        var yaml: String
        /// The field the refusal must name.
        var field: String
        /// A word the reason must contain.
        var reasonContains: String
        var description: String { label }
    }

    static let badManifests: [BadManifest] = [
        BadManifest(label: "missing field", yaml: replacing("plugin: SMACrossover", with: nil), field: "plugin", reasonContains: "missing"),
        BadManifest(label: "missing instruments", yaml: replacing("  - BTC-USDT", with: nil).replacingOccurrences(of: "  - ETH-USDT\n", with: "").replacingOccurrences(of: "instruments:\n", with: ""), field: "instruments", reasonContains: "missing"),
        BadManifest(label: "wrong type for name", yaml: replacing("name: sma_test", with: "name: [a, b]"), field: "name", reasonContains: "expected text"),
        BadManifest(label: "wrong type for capital", yaml: replacing("allocated_capital: 10000", with: "allocated_capital: lots"), field: "allocated_capital", reasonContains: "decimal"),
        BadManifest(label: "unknown plugin", yaml: replacing("plugin: SMACrossover", with: "plugin: NoSuchPlugin"), field: "plugin", reasonContains: "not found"),
        BadManifest(label: "unknown strategy type", yaml: replacing("strategy: SMACrossover", with: "strategy: SMACross"), field: "strategy", reasonContains: "registers no strategy"),
        BadManifest(label: "unknown instrument", yaml: replacing("  - ETH-USDT", with: "  - DOGE-USDT"), field: "instruments[1]", reasonContains: "catalog"),
        BadManifest(label: "malformed instrument id", yaml: replacing("  - ETH-USDT", with: "  - eth_usdt"), field: "instruments[1]", reasonContains: "instrument id"),
        BadManifest(label: "instruments in two quote currencies", yaml: replacing("  - ETH-USDT", with: "  - ETH-BTC"), field: "instruments[1]", reasonContains: "quoted in BTC"),
        BadManifest(label: "duplicate instrument", yaml: replacing("  - ETH-USDT", with: "  - BTC-USDT"), field: "instruments[1]", reasonContains: "twice"),
        BadManifest(label: "negative limit", yaml: replacing("  max_position_size: 0.1", with: "  max_position_size: -1"), field: "risk_limits.max_position_size", reasonContains: "negative"),
        BadManifest(label: "unknown risk limit", yaml: replacing("  max_leverage: 3", with: "  max_leverag: 3"), field: "risk_limits.max_leverag", reasonContains: "unknown"),
        BadManifest(label: "fractional count limit", yaml: replacing("  max_open_orders: 4", with: "  max_open_orders: 4.5"), field: "risk_limits.max_open_orders", reasonContains: "whole"),
        BadManifest(label: "percentage over 100", yaml: replacing("  max_drawdown_pct: 10", with: "  max_drawdown_pct: 150"), field: "risk_limits.max_drawdown_pct", reasonContains: "100"),
        BadManifest(label: "leverage beyond OKX maximum", yaml: replacing("  max_leverage: 3", with: "  max_leverage: 500"), field: "risk_limits.max_leverage", reasonContains: "125"),
        BadManifest(label: "daily loss above capital", yaml: replacing("  max_daily_loss: 500", with: "  max_daily_loss: 20000"), field: "risk_limits.max_daily_loss", reasonContains: "exceeds"),
        BadManifest(label: "unknown top-level key", yaml: good + "\ndescription: hello", field: "description", reasonContains: "unknown field"),
        BadManifest(label: "duplicate key", yaml: good + "\nname: other", field: "name", reasonContains: "more than once"),
        BadManifest(label: "bad version", yaml: replacing("version: 1.2.3", with: "version: 1.2"), field: "version", reasonContains: "semantic version"),
        BadManifest(label: "version with leading zero", yaml: replacing("version: 1.2.3", with: "version: 1.02.3"), field: "version", reasonContains: "semantic version"),
        BadManifest(label: "bad channel", yaml: replacing("channels: [trades, candle1m]", with: "channels: [trades, candle7m]"), field: "channels[1]", reasonContains: "not a channel"),
        BadManifest(label: "bad mode", yaml: replacing("mode: paper", with: "mode: yolo"), field: "mode", reasonContains: "paper or live"),
        BadManifest(label: "parameter of wrong type", yaml: replacing("  fast_period: 5", with: "  fast_period: five"), field: "parameters.fast_period", reasonContains: "expected an integer"),
        BadManifest(label: "fractional integer parameter", yaml: replacing("  fast_period: 5", with: "  fast_period: 5.5"), field: "parameters.fast_period", reasonContains: "integer"),
        BadManifest(label: "missing parameter", yaml: replacing("  slow_period: 20", with: nil), field: "parameters.slow_period", reasonContains: "missing"),
        BadManifest(label: "unknown parameter", yaml: replacing("  allow_short: false", with: "  allow_shorts: false"), field: "parameters.allow_shorts", reasonContains: "unknown parameter"),
        BadManifest(label: "parameters the strategy refuses", yaml: replacing("  slow_period: 20", with: "  slow_period: 3"), field: "parameters.slow_period", reasonContains: "greater than fast_period"),
        BadManifest(label: "bad strategy name", yaml: replacing("name: sma_test", with: "name: SMA Test!"), field: "name", reasonContains: "lower-case"),
        BadManifest(label: "zero capital", yaml: replacing("allocated_capital: 10000", with: "allocated_capital: 0"), field: "allocated_capital", reasonContains: "positive"),
        BadManifest(label: "empty channels", yaml: replacing("channels: [trades, candle1m]", with: "channels: []"), field: "channels", reasonContains: "non-empty"),
        BadManifest(label: "not a map", yaml: "- just\n- a list", field: "(document)", reasonContains: "map of fields"),
        BadManifest(label: "bars: not a map", yaml: good + "\nbars: 1m", field: "bars", reasonContains: "expected a map"),
        BadManifest(label: "bars: interval not dividing a day", yaml: good + "\nbars: {interval: 7m}", field: "bars.interval", reasonContains: "divide a day"),
        BadManifest(label: "bars: month for minutes", yaml: good + "\nbars: {interval: 1M}", field: "bars.interval", reasonContains: "month"),
        BadManifest(label: "bars: interval without unit", yaml: good + "\nbars: {interval: 60}", field: "bars.interval", reasonContains: "unit"),
        BadManifest(label: "bars: missing interval", yaml: good + "\nbars: {source: trades}", field: "bars.interval", reasonContains: "missing"),
        BadManifest(label: "bars: unknown source", yaml: good + "\nbars: {interval: 1m, source: quotes}", field: "bars.source", reasonContains: "not a bar source"),
        BadManifest(label: "bars: unknown key", yaml: good + "\nbars: {interval: 1m, timeframe: 5m}", field: "bars.timeframe", reasonContains: "unknown field"),
        BadManifest(label: "bars from ticker without the tickers channel", yaml: good + "\nbars: {interval: 1m, source: ticker}", field: "bars.source", reasonContains: "tickers channel"),
        BadManifest(label: "bars from trades without the trades channel", yaml: replacing("channels: [trades, candle1m]", with: "channels: [candle1m]") + "\nbars: {interval: 1m}", field: "bars.source", reasonContains: "trades channel"),
        BadManifest(label: "bars from candles that do not divide them", yaml: good + "\nbars: {interval: 30s, source: candles}", field: "bars.source", reasonContains: "divides 30s"),
        BadManifest(label: "6H bars from 1H candles (OKX aligns 6H on UTC+8)", yaml: replacing("channels: [trades, candle1m]", with: "channels: [trades, candle1H]") + "\nbars: {interval: 6H, source: candles}", field: "bars.source", reasonContains: "candle6H"),
    ]

    @Test(arguments: badManifests)
    func badManifestIsRefusedNamingTheField(_ bad: BadManifest) throws {
        let failure = #expect(throws: ManifestValidationFailure.self) {
            try validator().validate(yaml: bad.yaml, source: "bad.yaml")
        }
        let errors = failure?.errors ?? []
        let named = errors.first { $0.field == bad.field }
        #expect(named != nil, "\(bad.label): expected an error on \(bad.field), got \(errors)")
        #expect(named?.reason.contains(bad.reasonContains) == true, "\(bad.label): \(named?.reason ?? "-") lacks '\(bad.reasonContains)'")
        #expect(failure?.description.contains("bad.yaml: \(bad.field):") == true)
    }

    @Test func barsAreParsedCheckedAgainstTheChannelsAndKeptInTheJSON() throws {
        let plain = try validator().validate(yaml: Self.good)
        #expect(plain.manifest.bars == nil && plain.manifest.json.jsonText.contains("bars") == false)
        let validated = try validator().validate(yaml: Self.good + "\nbars: {interval: 5m, source: candles}")
        let bars = try #require(validated.manifest.bars)
        #expect(bars == BarSpecification(interval: try BarInterval(parsing: "5m"), source: .candles))
        #expect(bars.candleInterval(in: validated.manifest.channels) == .oneMinute)
        #expect(validated.manifest.json.jsonText.contains(#""bars":{"interval":"5m","source":"candles"}"#))
        let strategy = try EngineStrategy(validated: validated)
        #expect(strategy.bars == bars)
        // `source` defaults to trades; hours may be written 1h or 1H.
        let trades = try validator().validate(yaml: Self.good + "\nbars:\n  interval: 1h\n")
        #expect(trades.manifest.bars == BarSpecification(interval: try BarInterval(parsing: "1H"), source: .trades))
        // Parsed again from its JSON-free text form, as the strategies row keeps it.
        #expect(try ManifestParser.parse(Self.good + "\nbars: {interval: 1h}").bars?.interval.description == "1H")
    }

    @Test func tableHasAtLeastFifteenCases() {
        #expect(Self.badManifests.count >= 15)
    }

    @Test func nameOfAnotherDeployedStrategyIsRefused() throws {
        let deployed: [StrategyName: DeployedStrategySummary] = ["sma_test": DeployedStrategySummary(plugin: "MarketMaker", strategy: "MarketMaker", version: "1.0.0")]
        let failure = #expect(throws: ManifestValidationFailure.self) { try validator(deployed: deployed).validate(yaml: Self.good) }
        #expect(failure?.errors.first?.field == "name")
        #expect(failure?.errors.first?.reason.contains("already deployed as MarketMaker.MarketMaker") == true)
        // The same strategy redeployed is fine (that is an update).
        let same: [StrategyName: DeployedStrategySummary] = ["sma_test": DeployedStrategySummary(plugin: "SMACrossover", strategy: "SMACrossover", version: "1.0.0")]
        _ = try validator(deployed: same).validate(yaml: Self.good)
    }

    @Test func twoManifestsWithTheSameNameAreRefused() {
        let summaries = ManifestSummary.validateAll([("a.yaml", Self.good), ("b.yaml", Self.good)], validator: validator())
        #expect(summaries[0].isValid)
        #expect(!summaries[1].isValid)
        #expect(summaries[1].errors.first?.field == "name")
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let yaml = Self.replacing("mode: paper", with: "mode: yolo").replacingOccurrences(of: "version: 1.2.3", with: "version: one")
            .replacingOccurrences(of: "  max_leverage: 3", with: "  max_leverage: -3")
        let failure = #expect(throws: ManifestValidationFailure.self) { try validator().validate(yaml: yaml) }
        #expect(Set(failure?.errors.map(\.field) ?? []) == ["version", "mode", "risk_limits.max_leverage"])
    }

    @Test func deploymentPlanBumpsTheVersionOfAChangedManifest() throws {
        let manifest = try ManifestParser.parse(Self.good)
        #expect(DeploymentPlan.make(manifest: manifest, deployed: nil).action == .create)
        let deployed = DeployedStrategyRow(summary: DeployedStrategySummary(plugin: "SMACrossover", strategy: "SMACrossover", version: "1.2.3"), manifestJSON: manifest.json)
        #expect(DeploymentPlan.make(manifest: manifest, deployed: deployed).action == .unchanged)

        var changed = manifest
        changed.parameters = .object(["fast_period": .number("6"), "slow_period": .number("20"), "order_quantity": .number("0.01")])
        let plan = DeploymentPlan.make(manifest: changed, deployed: deployed)
        #expect(plan.action == .update)
        #expect(plan.manifest.version == "1.2.4") // same version written: bumped
        #expect(plan.oldValue == manifest.json)
        changed.version = "2.0.0"
        #expect(DeploymentPlan.make(manifest: changed, deployed: deployed).manifest.version == "2.0.0") // explicit newer version kept
    }
}
