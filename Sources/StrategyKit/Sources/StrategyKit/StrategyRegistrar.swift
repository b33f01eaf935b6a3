import TradingCore

/// A strategy type a plugin registered: how to check a manifest's parameters for it and how to
/// create an instance.
public struct StrategyRegistration {
    /// The name manifests use in `strategy:`.
    public let name: String
    /// The Swift type's name, for messages.
    public let typeName: String
    private let checkParameters: (ParameterValue) throws(ParameterDecodingError) -> Void
    private let create: (StrategyContext, ParameterValue) throws -> any Strategy

    init<S: Strategy>(name: String, type: S.Type) {
        self.name = name
        self.typeName = String(reflecting: type)
        self.checkParameters = { (value: ParameterValue) throws(ParameterDecodingError) in
            _ = try ParameterDecoder().decode(S.Parameters.self, from: value)
        }
        self.create = { context, value in
            let parameters = try ParameterDecoder().decode(S.Parameters.self, from: value)
            return try S(context: context, parameters: parameters)
        }
    }

    /// Decodes `parameters` into the strategy's `Parameters` type without creating anything.
    /// - Throws: ``ParameterDecodingError`` naming the field.
    public func validateParameters(_ parameters: ParameterValue) throws(ParameterDecodingError) {
        try checkParameters(parameters)
    }

    /// Decodes the context's ``StrategyContext/rawParameters`` and creates the strategy.
    /// - Throws: ``ParameterDecodingError`` naming the field, or whatever the strategy's `init` throws.
    public func makeStrategy(context: StrategyContext) throws -> any Strategy {
        try create(context, context.rawParameters)
    }
}

/// The host's list of strategy types, filled by plugins' entry points.
///
/// The host passes an opaque pointer to one of these to a plugin's `strategykit_register`; the
/// plugin turns it back into a registrar with ``StrategyPluginEntry/register(registrar:hostABIVersion:_:)``
/// and calls ``register(_:as:)`` once per strategy type it offers.
public final class StrategyRegistrar {
    /// The registered strategy types by name.
    public private(set) var registrations: [String: StrategyRegistration] = [:]
    /// Names registered more than once (the first registration wins); the host reports them.
    public private(set) var duplicateNames: [String] = []
    /// Type identities as seen from plugin code (see ``StrategyPluginEntry``); equal to
    /// ``hostTypeWitnesses`` exactly when plugin and host share one copy of the SDK's metadata.
    public private(set) var pluginTypeWitnesses: [ObjectIdentifier] = []

    /// Creates an empty registrar.
    public init() {}

    /// Registers `type` under `name` (what manifests write in `strategy:`).
    public func register<S: Strategy>(_ type: S.Type, as name: String) {
        guard registrations[name] == nil else {
            duplicateNames.append(name)
            return
        }
        registrations[name] = StrategyRegistration(name: name, type: type)
    }

    /// The registration for `name`, if any.
    public func registration(named name: String) -> StrategyRegistration? { registrations[name] }

    /// The registered names, sorted.
    public var names: [String] { registrations.keys.sorted() }

    /// Records the type identities plugin code sees (called by ``StrategyPluginEntry``).
    public func recordPluginTypeWitnesses(_ witnesses: [ObjectIdentifier]) { pluginTypeWitnesses = witnesses }

    /// The same identities as the host sees them.
    public static var hostTypeWitnesses: [ObjectIdentifier] {
        [ObjectIdentifier(StrategyRegistrar.self), ObjectIdentifier(StrategyContext.self), ObjectIdentifier(Price.self)]
    }
}

/// The plugin side of loading: what a plugin's exported C functions call.
///
/// Every plugin exports exactly these two functions. The runtime's StrategyEntryPoints build
/// plugin generates them for each strategy target, registering the type named like the target; a
/// plugin registering several types writes them itself:
///
/// ```swift
/// @_cdecl("strategykit_abi_version")
/// public func strategyKitABIVersion() -> Int { StrategyKitABI.version }
///
/// @_cdecl("strategykit_register")
/// public func strategyKitRegister(_ registrar: UnsafeMutableRawPointer?, _ hostABIVersion: Int) -> Int32 {
///     StrategyPluginEntry.register(registrar: registrar, hostABIVersion: hostABIVersion) { registrar in
///         registrar.register(MyStrategy.self, as: "MyStrategy")
///     }
/// }
/// ```
public enum StrategyPluginEntry {
    /// What `strategykit_register` returns.
    public enum Status: Int32, Sendable, CustomStringConvertible {
        /// The strategy types were registered.
        case registered = 0
        /// The host's ABI version differs from the one the plugin was compiled against.
        case abiMismatch = 1
        /// The registrar pointer is not a `StrategyRegistrar` as the plugin knows it: the plugin
        /// and the host do not share one copy of StrategyKit (e.g. the SDK linked statically).
        case registrarTypeMismatch = 2
        /// The host passed no registrar.
        case nullRegistrar = 3

        /// What the status means.
        public var description: String {
            switch self {
            case .registered: "registered"
            case .abiMismatch: "the plugin was built against a different StrategyKit ABI version"
            case .registrarTypeMismatch: "the plugin does not share the host's StrategyKit type metadata (was StrategyKit linked statically into it?)"
            case .nullRegistrar: "no registrar was passed"
            }
        }
    }

    /// Checks the ABI version and the registrar's type, then lets `body` register strategy types.
    ///
    /// It is `@inlinable` so that it compiles into the plugin: the version compared is the one the
    /// plugin was built with, and the type check and the recorded type identities are the plugin's
    /// view of StrategyKit's metadata.
    @inlinable
    public static func register(registrar pointer: UnsafeMutableRawPointer?, hostABIVersion: Int,
                                _ body: (StrategyRegistrar) -> Void) -> Int32 {
        guard hostABIVersion == StrategyKitABI.version else { return Status.abiMismatch.rawValue }
        guard let pointer else { return Status.nullRegistrar.rawValue }
        let object = Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
        guard let registrar = object as? StrategyRegistrar else { return Status.registrarTypeMismatch.rawValue }
        registrar.recordPluginTypeWitnesses([
            ObjectIdentifier(StrategyRegistrar.self), ObjectIdentifier(StrategyContext.self), ObjectIdentifier(Price.self),
        ])
        body(registrar)
        return Status.registered.rawValue
    }
}
