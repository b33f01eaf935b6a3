import StrategyKit

/// The ABI version this plugin was compiled against (checked by the host before registering).
@_cdecl("strategykit_abi_version")
public func strategyKitABIVersion() -> Int { StrategyKitABI.version }

/// Registers this plugin's strategy types with the host's registrar.
@_cdecl("strategykit_register")
public func strategyKitRegister(_ registrar: UnsafeMutableRawPointer?, _ hostABIVersion: Int) -> Int32 {
    StrategyPluginEntry.register(registrar: registrar, hostABIVersion: hostABIVersion) { registrar in
        registrar.register(Wedge.self, as: "Wedge")
    }
}
