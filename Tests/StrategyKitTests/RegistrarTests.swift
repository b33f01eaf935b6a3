@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// The plugin entry contract, exercised in-process (the dlopen side is in RuntimeTests).
@Suite(.watchdog) struct RegistrarTests {
    final class Quiet: Strategy {
        struct Parameters: Decodable { var size: Quantity }
        let size: Quantity
        init(context: StrategyContext, parameters: Parameters) throws {
            guard !parameters.size.isZero else { throw ParameterDecodingError(path: "parameters.size", reason: "must be positive") }
            size = parameters.size
        }
    }

    final class NotARegistrar {}

    @Test func entryRegistersWithTheRightVersionAndRegistrar() throws {
        let registrar = StrategyRegistrar()
        let status = StrategyPluginEntry.register(registrar: Unmanaged.passUnretained(registrar).toOpaque(), hostABIVersion: StrategyKitABI.version) {
            $0.register(Quiet.self, as: "Quiet")
            $0.register(Quiet.self, as: "Quiet")
        }
        #expect(status == StrategyPluginEntry.Status.registered.rawValue)
        #expect(registrar.names == ["Quiet"])
        #expect(registrar.duplicateNames == ["Quiet"])
        #expect(registrar.pluginTypeWitnesses == StrategyRegistrar.hostTypeWitnesses)

        let registration = try #require(registrar.registration(named: "Quiet"))
        try registration.validateParameters(.object(["size": .number("1")]))
        #expect(throws: ParameterDecodingError.self) { try registration.validateParameters(.object(["size": .string("big")])) }
        let context = StrategyContext(name: "q", instruments: [], parameters: .object(["size": .number("0")]))
        #expect(throws: ParameterDecodingError(path: "parameters.size", reason: "must be positive")) { try registration.makeStrategy(context: context) }
    }

    @Test func entryRefusesAnotherABIVersionAndAForeignObject() {
        let registrar = StrategyRegistrar()
        var called = false
        let wrongVersion = StrategyPluginEntry.register(registrar: Unmanaged.passUnretained(registrar).toOpaque(), hostABIVersion: StrategyKitABI.version + 1) { _ in called = true }
        #expect(wrongVersion == StrategyPluginEntry.Status.abiMismatch.rawValue)
        let stranger = NotARegistrar()
        let wrongType = StrategyPluginEntry.register(registrar: Unmanaged.passUnretained(stranger).toOpaque(), hostABIVersion: StrategyKitABI.version) { _ in called = true }
        #expect(wrongType == StrategyPluginEntry.Status.registrarTypeMismatch.rawValue)
        #expect(StrategyPluginEntry.register(registrar: nil, hostABIVersion: StrategyKitABI.version) { _ in called = true } == StrategyPluginEntry.Status.nullRegistrar.rawValue)
        #expect(!called)
        withExtendedLifetime(stranger) {}
    }
}
