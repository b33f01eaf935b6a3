import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory new-strategy NAME`
///
/// Scaffolds a working strategy plugin in strategies/NAME/ (the strategy; the build generates the
/// two C entry points the host loads), its tests in strategies/NAME/Tests/ (run in-process by
/// StrategyKitTesting) and its manifest strategies/name.yaml. Package.swift discovers the folders
/// on its own, so `swift build` builds lib<NAME>.so, `swift test --filter NAMETests` runs its tests
/// and `runtime deploy --dry-run strategies/name.yaml` validates it without further edits.
@main
struct NewStrategy: CommandPlugin {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let names = arguments.filter { !$0.hasPrefix("-") }
        guard names.count == 1, let name = names.first else {
            throw Failure(description: "usage: swift package --allow-writing-to-package-directory new-strategy NAME   (NAME in UpperCamelCase, e.g. Breakout)")
        }
        guard Self.isTypeName(name) else {
            throw Failure(description: "'\(name)' is not a valid strategy module name: use UpperCamelCase letters and digits, e.g. Breakout or EmaTrend")
        }
        let root = context.package.directoryURL
        let folder = root.appendingPathComponent("strategies").appendingPathComponent(name)
        let manifestName = Self.snakeCase(name)
        let manifest = root.appendingPathComponent("strategies").appendingPathComponent("\(manifestName).yaml")
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: folder.path) else {
            throw Failure(description: "strategies/\(name)/ already exists; choose another name")
        }
        guard !fileManager.fileExists(atPath: manifest.path) else {
            throw Failure(description: "strategies/\(manifestName).yaml already exists; choose another name")
        }
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.strategySource(name).write(to: folder.appendingPathComponent("\(name).swift"), atomically: true, encoding: .utf8)
        let tests = folder.appendingPathComponent("Tests")
        try fileManager.createDirectory(at: tests, withIntermediateDirectories: true)
        try Self.testSource(name, manifestName: manifestName)
            .write(to: tests.appendingPathComponent("\(name)Tests.swift"), atomically: true, encoding: .utf8)
        try Self.manifest(name, manifestName: manifestName).write(to: manifest, atomically: true, encoding: .utf8)
        Self.forgetCachedManifestEvaluations(packageDirectory: root)
        print("""
            Created strategies/\(name)/\(name).swift, its tests strategies/\(name)/Tests/\(name)Tests.swift and
            strategies/\(manifestName).yaml (the plugin's entry points are generated at build time, registering the type \(name)).
            Next:
              swift build --build-tests                               # builds lib\(name).so next to the runtime, and the tests
              swift test --skip-build --filter \(name)Tests           # runs \(name) in-process on trades built in the test
              swift run runtime deploy --dry-run strategies/\(manifestName).yaml
            """)
    }

    /// SwiftPM caches the evaluation of Package.swift keyed on its text, not on the folders it
    /// lists, so a new strategies/NAME/ would stay invisible until Package.swift changed. Dropping
    /// the manifest caches (what `swift package purge-cache` also does) makes the next
    /// `swift build` evaluate Package.swift again and pick the new folder up.
    static func forgetCachedManifestEvaluations(packageDirectory: URL) {
        var databases = [packageDirectory.appendingPathComponent(".build/manifest.db")]
        if let home = ProcessInfo.processInfo.environment["HOME"] {
            databases.append(URL(fileURLWithPath: home).appendingPathComponent(".cache/org.swift.swiftpm/manifests/manifest.db"))
        }
        for database in databases {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: database.path + suffix)
            }
        }
    }

    static func isTypeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first), name.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// `EmaTrend` -> `ema_trend`.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase, index > 0 { result += "_" }
            result += character.lowercased()
        }
        return result
    }

    static func strategySource(_ name: String) -> String {
        """
        import StrategyKit
        import TradingCore

        /// \(name): a starting point. It follows an exponential moving average of bar closes: it buys
        /// `order_quantity` when a bar closes above the average and sells it back when one closes
        /// below. The host builds the bars (the manifest's `bars:`). Replace the logic in `onBar`.
        public final class \(name): Strategy {
            /// The manifest's `parameters:` (snake_case keys map to these fields).
            public struct Parameters: Decodable, Sendable {
                /// Bars in the moving average.
                public var period: Int
                /// Size bought on a signal (base units for spot, contracts for swaps).
                public var orderQuantity: Quantity
            }

            let context: StrategyContext
            let parameters: Parameters
            let averages: PerInstrument<ExponentialMovingAverage>

            /// Checks the parameters; throwing here refuses the manifest with the field named.
            public init(context: StrategyContext, parameters: Parameters) throws {
                try require(parameters.period >= 2, "period", "must be at least 2, got \\(parameters.period)")
                try require(!parameters.orderQuantity.isZero, "order_quantity", "must be positive")
                self.context = context
                self.parameters = parameters
                averages = try context.perInstrument { _ in try ExponentialMovingAverage(period: parameters.period) }
            }

            /// Trades each complete bar.
            public func onBar(_ bar: Bar) throws {
                let close = bar.close.double
                guard let average = averages[bar.instrument].update(close), !context.hasOpenOrders(on: bar.instrument) else { return }
                let position = context.position(bar.instrument)
                if close > average && position.isFlat {
                    try context.buyMarket(bar.instrument, quantity: parameters.orderQuantity)
                } else if close < average && position.isLong {
                    try context.flatten(bar.instrument)
                }
            }

            /// Closes positions when the strategy stops.
            public func stop() throws {
                for instrument in context.instrumentIds { try context.flatten(instrument) }
            }

            /// Logs orders the risk engine refused.
            public func onOrderRejected(_ rejection: OrderRejection) throws {
                context.logger.warning("order \\(rejection.clientOrderId) refused: \\(rejection.reason)")
            }
        }

        """
    }

    static func testSource(_ name: String, manifestName: String) -> String {
        """
        import \(name)
        import StrategyKitTesting
        import TestSupport
        import Testing

        /// \(name)'s own tests. StrategyKitTesting runs the strategy in this process (no plugin library,
        /// no database) through the host's real engine: its manifest's risk limits, the data-quality
        /// gate, the risk engine, the paper venue and the portfolio. Events are built here on the
        /// tester's clock; read back orders, fills, positions, risk rejections and PnL.
        ///
        ///     swift build --build-tests && swift test --skip-build --filter \(name)Tests
        @Suite(.watchdog) struct \(name)Tests {
            /// strategies/\(manifestName).yaml with a short average on one-second bars, so a few trades make
            /// a signal; `overrides` replace more parameters.
            static func tester(_ overrides: ParameterMap = [:]) throws -> StrategyTester<\(name)> {
                var parameters: ParameterMap = ["period": 3]
                parameters.values.merge(overrides.values) { _, override in override }
                return try StrategyTester(\(name).self, manifest: "strategies/\(manifestName).yaml", parameters: parameters, bars: "1s")
            }

            /// A bar closing above the average buys; one closing back below it sells the holding.
            @Test func buysAboveTheAverageAndSellsBelow() throws {
                let tester = try Self.tester()
                // One trade a second: each closes the previous second's bar.
                try tester.trades("BTC-USDT", prices: [100, 100, 100, 100, 101, 102], every: .seconds(1))
                #expect(tester.orders.map(\\.side) == [.buy], "\\(tester.orders)")
                #expect(try tester.position("BTC-USDT").isLong)

                try tester.trades("BTC-USDT", prices: [101, 100], every: .seconds(1))
                #expect(tester.orders.map(\\.side) == [.buy, .sell], "\\(tester.orders)")
                #expect(try tester.position("BTC-USDT").isFlat)
                #expect(tester.pnl.realized != 0, "\\(tester.pnl)")
            }

            /// An order beyond the manifest's max_order_quantity never reaches the venue.
            @Test func anOrderOverTheQuantityLimitIsRefusedByRisk() throws {
                let tester = try Self.tester(["order_quantity": 0.02])
                try tester.trades("BTC-USDT", prices: [100, 100, 100, 100, 101, 102], every: .seconds(1))
                #expect(tester.riskRejections.map(\\.code) == ["max_order_quantity"], "\\(tester.rejections)")
                #expect(try tester.position("BTC-USDT").isFlat)
            }
        }

        """
    }

    static func manifest(_ name: String, manifestName: String) -> String {
        """
        # Manifest for the \(name) strategy plugin (strategies/\(name)/). Validate with:
        #   swift build && swift run runtime deploy --dry-run strategies/\(manifestName).yaml
        name: \(manifestName)
        plugin: \(name)
        strategy: \(name)
        version: 0.1.0
        mode: paper
        instruments:
          - BTC-USDT
        channels:
          - trades
        bars:
          interval: 5s
          source: trades
        parameters:
          period: 20
          order_quantity: 0.001
        allocated_capital: 1000
        risk_limits:
          max_order_quantity: 0.01
          max_order_notional: 1000
          max_position_size: 1000    # quote currency (USDT), the position valued at the order price
          max_leverage: 1
          price_band_pct: 5
          max_orders_per_minute: 20
          max_open_orders: 2
          max_daily_loss: 100
          max_drawdown_pct: 10
          max_consecutive_losses: 10

        """
    }
}
