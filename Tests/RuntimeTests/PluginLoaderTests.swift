import Foundation
import Ledger
import Portfolio
import RuntimeHost
@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// Real dlopen of real plugin libraries: the ones `swift build` makes from strategies/, one built
/// by this test from source the host never linked, and deliberately broken ones.
@Suite(.watchdog) struct PluginLoaderTests {
    private func loader(_ extra: [String] = []) -> PluginLoader {
        PluginLoader(searchPaths: extra + [PluginTestSupport.binDirectory])
    }

    /// Issue 2's check: a plugin built from strategies/ and dlopen'ed sees the same StrategyKit type
    /// metadata as the host. The entry point's registrar cast (`as? StrategyRegistrar`, compiled into
    /// the plugin) succeeds, the identities the plugin recorded equal the host's, and a strategy the
    /// plugin creates is a `Strategy` to the host and trades through the host's context object.
    @Test func pluginSharesTheHostsStrategyKitTypeMetadata() throws {
        let plugin = try loader().load("SMACrossover")
        #expect(plugin.registrar.pluginTypeWitnesses == StrategyRegistrar.hostTypeWitnesses)
        #expect(plugin.registrar.pluginTypeWitnesses.count == 3)

        let context = StrategyContext(name: "identity", instruments: [PluginTestSupport.btcUSDT],
                                      parameters: .object(["fast_period": .number("2"), "slow_period": .number("3"),
                                                           "order_quantity": .number("0.01")]))
        let strategy = try plugin.registration(for: "SMACrossover").makeStrategy(context: context)
        let object: AnyObject = strategy
        #expect((object as? any Strategy) != nil)
        #expect(String(reflecting: type(of: object)) == "SMACrossover.SMACrossover")
        // The plugin's strategy submits through the very context object the host made.
        try strategy.stop()
        #expect(!context.hasPendingCommands) // flat: nothing to flatten
    }

    @Test func loadsEveryShippedPluginAndItsStrategyTypes() throws {
        let loader = loader()
        for name in ["SMACrossover", "MeanReversion", "MarketMaker"] {
            let plugin = try loader.load(name)
            #expect(plugin.strategyNames == [name])
            #expect(plugin.path.hasSuffix("/lib\(name).so"))
            // Loading again returns the same loaded plugin (never unloaded, never loaded twice).
            #expect(try loader.load(name) === plugin)
        }
    }

    @Test func missingLibraryIsATypedError() throws {
        #expect(throws: PluginLoadError.libraryNotFound(plugin: "NoSuchPlugin", searched: ["/nonexistent"])) {
            try PluginLoader(searchPaths: ["/nonexistent"]).load("NoSuchPlugin")
        }
        #expect(throws: PluginLoadError.invalidName("../etc/passwd")) { try loader().load("../etc/passwd") }
    }

    @Test func libraryWithoutEntryPointIsRefused() async throws {
        let directory = try PluginTestSupport.scratchDirectory("no-entry")
        _ = try await PluginTestSupport.buildCLibrary(named: "NoEntryPoint", source: "int some_function(void) { return 42; }\n", in: directory)
        let error = #expect(throws: PluginLoadError.self) { try loader([directory]).load("NoEntryPoint") }
        guard case .missingEntryPoint(let plugin, _, let symbol) = error else {
            Issue.record("expected missingEntryPoint, got \(String(describing: error))")
            return
        }
        #expect(plugin == "NoEntryPoint")
        #expect(symbol == "strategykit_abi_version")
        #expect(error?.description.contains("not a StrategyKit plugin") == true)
    }

    @Test func libraryBuiltForAnotherABIVersionIsRefusedBeforeItRegisters() async throws {
        let directory = try PluginTestSupport.scratchDirectory("wrong-abi")
        // The loader must refuse on the version alone, before calling the register function.
        let source = """
            #include <stdint.h>
            intptr_t strategykit_abi_version(void) { return 999; }
            int32_t strategykit_register(void *registrar, intptr_t host) { return 0; }
            """
        _ = try await PluginTestSupport.buildCLibrary(named: "WrongABI", source: source, in: directory)
        let error = #expect(throws: PluginLoadError.self) { try loader([directory]).load("WrongABI") }
        guard case .abiVersionMismatch(_, _, let pluginVersion, let hostVersion) = error else {
            Issue.record("expected abiVersionMismatch, got \(String(describing: error))")
            return
        }
        #expect(pluginVersion == 999)
        #expect(hostVersion == StrategyKitABI.version)
    }

    @Test func libraryThatRefusesToRegisterIsReported() async throws {
        let directory = try PluginTestSupport.scratchDirectory("refusing")
        let source = """
            #include <stdint.h>
            intptr_t strategykit_abi_version(void) { return \(StrategyKitABI.version); }
            int32_t strategykit_register(void *registrar, intptr_t host) { return 2; }
            """
        _ = try await PluginTestSupport.buildCLibrary(named: "Refusing", source: source, in: directory)
        let error = #expect(throws: PluginLoadError.self) { try loader([directory]).load("Refusing") }
        guard case .registrationFailed(_, _, let status) = error else {
            Issue.record("expected registrationFailed, got \(String(describing: error))")
            return
        }
        #expect(status.contains("type metadata"))
    }

    @Test func fileThatIsNotALibraryIsRefused() throws {
        let directory = try PluginTestSupport.scratchDirectory("not-elf")
        try "not a shared object".write(toFile: "\(directory)/libGarbage.so", atomically: true, encoding: .utf8)
        let error = #expect(throws: PluginLoadError.self) { try loader([directory]).load("Garbage") }
        guard case .openFailed = error else {
            Issue.record("expected openFailed, got \(String(describing: error))")
            return
        }
    }

    @Test func unknownStrategyNameIsATypedError() throws {
        #expect(throws: PluginLoadError.strategyNotRegistered(plugin: "MarketMaker", strategy: "MarketTaker", registered: ["MarketMaker"])) {
            try loader().registration(plugin: "MarketMaker", strategy: "MarketTaker")
        }
    }

    /// A fourth plugin the host was never linked with: its source is written here, compiled with
    /// swiftc against the StrategyKit module and library of this build (exactly the SDK product a
    /// plugin package depends on), loaded by name from a scratch directory and run.
    ///
    /// One copy of StrategyKit: the new library records `libStrategyKit.so` as a needed library (its
    /// soname). The test process already has that library loaded (it links the SDK product), and the
    /// dynamic linker resolves a needed library whose soname is already loaded to that loaded copy,
    /// so the plugin binds to the host's type metadata — which the registrar cast and the recorded
    /// type identities below confirm.
    @Test(.watchdog(.minutes(25))) func buildsLoadsAndRunsAFourthPluginNotLinkedIntoTheHost() async throws {
        let directory = try PluginTestSupport.scratchDirectory("fourth")
        let source = """
            import StrategyKit
            import TradingCore

            public final class Momentum: Strategy {
                public struct Parameters: Decodable { var quantity: Quantity; var lookback: Int }
                let context: StrategyContext
                let parameters: Parameters
                var window: RollingWindow
                public init(context: StrategyContext, parameters: Parameters) throws {
                    self.context = context
                    self.parameters = parameters
                    self.window = try RollingWindow(capacity: parameters.lookback)
                }
                public func onTrade(_ trade: TradeTick) throws {
                    let oldest = window.isFull ? window.value(ago: window.count - 1) : nil
                    window.push(trade.price.value.doubleValue)
                    guard let oldest, context.openOrders.isEmpty, context.position(trade.instrument).isFlat,
                          trade.price.value.doubleValue > oldest else { return }
                    try context.buyMarket(trade.instrument, quantity: parameters.quantity)
                }
            }

            @_cdecl("strategykit_abi_version")
            public func strategyKitABIVersion() -> Int { StrategyKitABI.version }

            @_cdecl("strategykit_register")
            public func strategyKitRegister(_ registrar: UnsafeMutableRawPointer?, _ hostABIVersion: Int) -> Int32 {
                StrategyPluginEntry.register(registrar: registrar, hostABIVersion: hostABIVersion) { registrar in
                    registrar.register(Momentum.self, as: "Momentum")
                }
            }
            """
        try source.write(toFile: "\(directory)/Momentum.swift", atomically: true, encoding: .utf8)
        let bin = PluginTestSupport.binDirectory
        try await ChildProcess.succeed("swiftc", [
            "-emit-library", "-parse-as-library", "-swift-version", "6", "-module-name", "FourthPlugin",
            // Only the modules folder: the build folder itself also holds the module maps of
            // every C target (the benchmark package has two of one name), which would all load.
            "-I", "\(bin)/Modules", "-L", bin, "-lStrategyKit",
            "-Xlinker", "-rpath", "-Xlinker", bin,
            "\(directory)/Momentum.swift", "-o", "\(directory)/libFourthPlugin.so",
        ], within: .minutes(20))

        let plugin = try PluginLoader(searchPaths: [directory]).load("FourthPlugin")
        #expect(plugin.strategyNames == ["Momentum"])
        #expect(plugin.registrar.pluginTypeWitnesses == StrategyRegistrar.hostTypeWitnesses)

        // The host's ledger holds the orders it sent (here: every one, no risk, no venue).
        let ledger = TradingLedger(portfolio: Portfolio(instruments: [PluginTestSupport.btcUSDT], mode: .paper))
        let context = StrategyContext(name: "momentum", instruments: [PluginTestSupport.btcUSDT],
                                      parameters: .object(["quantity": .number("0.001"), "lookback": .number("20")]),
                                      ledger: ledger.view(for: "momentum"))
        let runner = try StrategyRunner(registration: plugin.registration(for: "Momentum"), context: context)
        #expect(runner.start(at: .zero) == .completed)
        var submitted: [OrderRequest] = []
        for trade in try PluginTestSupport.recordedTrades(limit: 2000) {
            _ = runner.deliver(.trade(trade))
            context.drainOutbox { command in
                if case .submit(let request) = command {
                    submitted.append(request)
                    ledger.recordSent(request)
                }
            }
        }
        #expect(runner.isRunning)
        #expect(submitted.count == 1) // buys once, then holds (no fills delivered, order stays open)
        #expect(submitted.first?.quantity == Quantity(FixedPoint(units: 1, decimals: 3)))
        #expect(submitted.first?.clientOrderId.rawValue == "momentum000000000001")
    }
}
