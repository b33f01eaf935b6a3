// swift-tools-version:6.1
// Benchmark suites (ordo-one/benchmark). Run them with scripts/bench.sh, or
//   swift package --package-path Benchmarks benchmark [--target NAME] [--filter REGEX]
//
// Every folder Benchmarks/Benchmarks/<Name>/ is one suite (an executable target named <Name>):
// adding a folder with a `let benchmarks: @Sendable () -> Void = { ... }` file is all it takes.
// A suite's dependencies follow from its `import` lines: TradingCore/StrategyKit come from the
// SDK package, MarketData, Risk, ... from the root package's per-module library products.
import Foundation
import PackageDescription

let benchmarksFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Benchmarks")
let rootFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
/// A path dependency's identity is its folder name (the clone's name, not the manifest's name).
let rootIdentity = rootFolder.lastPathComponent.lowercased()

/// Modules of the SDK package (one dynamic product holds both).
let sdkModules: Set<String> = ["TradingCore", "StrategyKit"]
/// Modules the root package exposes as library products of the same name.
let rootModules: Set<String> = ["MarketData", "DataQuality", "Risk", "Execution", "Portfolio", "Storage", "RuntimeHost", "OKXTestServer"]

let suites: [String] = {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: benchmarksFolder.path)) ?? []
    return entries.filter { name in
        var isDirectory: ObjCBool = false
        return !name.hasPrefix(".")
            && FileManager.default.fileExists(atPath: benchmarksFolder.appendingPathComponent(name).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }.sorted()
}()

/// The modules a suite imports, read from its Swift files.
func importedModules(of suite: String) -> Set<String> {
    let folder = benchmarksFolder.appendingPathComponent(suite)
    var modules: Set<String> = []
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let file = enumerator?.nextObject() as? String {
        guard file.hasSuffix(".swift"),
              let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { continue }
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // `import X`, `@testable import X`, `import struct X.Y`, ...
            if let index = words.firstIndex(of: "import"), index + 1 < words.count {
                let target = words.count > index + 2 && !words[index + 1].contains(".") && words[index + 2].contains(".")
                    ? words[index + 2] : words[index + 1]
                modules.insert(String(target.split(separator: ".").first ?? target))
            }
        }
    }
    return modules
}

/// Strategy plugins (lib<Name>.so) built next to a suite that imports RuntimeHost, so PluginLoader
/// finds them in the executable's directory like the host does.
let strategyPlugins = ["SMACrossover"]

func dependencies(of suite: String) -> [Target.Dependency] {
    let imports = importedModules(of: suite)
    var result: [Target.Dependency] = [.product(name: "Benchmark", package: "benchmark")]
    if !imports.isDisjoint(with: sdkModules) {
        result.append(.product(name: "StrategyKit", package: "StrategyKit"))
    }
    for module in imports.intersection(rootModules).sorted() {
        result.append(.product(name: module, package: rootIdentity))
    }
    if imports.contains("RuntimeHost") {
        result += strategyPlugins.map { .product(name: $0, package: rootIdentity) }
    }
    return result
}

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "e2e", targets: ["E2E"])],
    dependencies: [
        .package(path: ".."),
        .package(path: "../Sources/StrategyKit"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.25.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The end-to-end throughput harness (scripts/bench.sh e2e): a plain executable, not a suite.
        .executableTarget(
            name: "E2E",
            dependencies: [
                .product(name: "StrategyKit", package: "StrategyKit"),
                .product(name: "MarketData", package: rootIdentity),
                .product(name: "DataQuality", package: rootIdentity),
                .product(name: "Risk", package: rootIdentity),
                .product(name: "Execution", package: rootIdentity),
                .product(name: "Portfolio", package: rootIdentity),
                .product(name: "Storage", package: rootIdentity),
                .product(name: "RuntimeHost", package: rootIdentity),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ] + strategyPlugins.map { .product(name: $0, package: rootIdentity) },
            path: "E2E"
        ),
    ] + suites.map { suite in
        .executableTarget(
            name: suite,
            dependencies: dependencies(of: suite),
            path: "Benchmarks/\(suite)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    },
    swiftLanguageModes: [.v6]
)
