import Foundation

/// Where the runtime finds its configuration and manifests: `$RUNTIME_CONFIG_DIR` when set,
/// else `./config` when it exists (the project folder), else the source tree the runtime was
/// built from, so `runtime` works from the project folder and from anywhere after a build.
public enum ProjectPaths {
    static let sourceRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding runtime.yaml and instruments.yaml.
    public static func configDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["RUNTIME_CONFIG_DIR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let local = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("config")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("runtime.yaml").path) { return local }
        return sourceRoot.appendingPathComponent("config")
    }

    /// config/runtime.yaml.
    public static var runtimeConfiguration: URL { configDirectory().appendingPathComponent("runtime.yaml") }

    /// config/instruments.yaml.
    public static var instruments: URL { configDirectory().appendingPathComponent("instruments.yaml") }
}
