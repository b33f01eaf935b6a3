import Foundation

/// Finds files a test names relative to its package, wherever `swift test` was started from.
enum PackagePath {
    /// `path` itself when absolute; else `path` inside the package of `file`: the nearest folder
    /// above it that holds a Package.swift.
    static func resolve(_ path: String, from file: StaticString) throws -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        let caller = URL(fileURLWithPath: "\(file)")
        var folder = caller.deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder.appendingPathComponent(path)
            }
            folder = folder.deletingLastPathComponent()
        }
        throw StrategyTesterError("\(path) is relative, and no folder above \(caller.path) holds a Package.swift to resolve it against; pass an absolute path")
    }
}
