// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Every folder under strategies/ is one strategy plugin, built as lib<Name>.so against the
/// StrategyKit product only. Adding a folder is all it takes; this file needs no edit.
let strategyPlugins: [String] = subfolders(of: "strategies")

/// Strategies that hold their own tests: strategies/<Name>/Tests/ becomes the test target <Name>Tests,
/// built on StrategyKitTesting (the plugin itself leaves that folder out). A strategy without the
/// folder has no test target; `new-strategy` scaffolds one.
let strategiesWithTests: Set<String> = Set(strategyPlugins.filter { subfolders(of: "strategies/\($0)").contains("Tests") })

/// Strategy plugins only the tests load (Tests/Plugins/NAME, built as lib<Name>.so beside the
/// shipped ones), e.g. the order storm the invariant tests run and the wedge the watchdog tests run.
let testPlugins: [String] = subfolders(of: "Tests/Plugins")

/// Every folder under Benchmarks/Benchmarks/ is one ordo-one/benchmark suite (an executable target
/// of that name, run by `swift package benchmark`, see scripts/bench.sh): adding a folder with a
/// `let benchmarks: @Sendable () -> Void = { ... }` file is all it takes. They live in this package
/// so that they share its build (and CI compiles them, so they cannot rot).
let benchmarkSuites: [String] = subfolders(of: "Benchmarks/Benchmarks")

func subfolders(of path: String) -> [String] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(path)
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return entries.filter { name in
        var isDirectory: ObjCBool = false
        return !name.hasPrefix(".")
            && FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }.sorted()
}

/// The host modules a benchmark suite imports (read from its `import` lines), as its dependencies.
func benchmarkDependencies(of suite: String) -> [Target.Dependency] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Benchmarks/Benchmarks/\(suite)")
    var imports: Set<String> = []
    for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where file.hasSuffix(".swift") {
        guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { continue }
        for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
            if let module = line.split(separator: " ").last { imports.insert(String(module)) }
        }
    }
    let hostModules = ["MarketData", "DataQuality", "Risk", "Execution", "Portfolio", "Ledger", "Storage", "RuntimeHost", "Console"]
    var result: [Target.Dependency] = [.product(name: "Benchmark", package: "benchmark")]
    if !imports.isDisjoint(with: ["TradingCore", "StrategyKit"]) { result.append(sdk) }
    result += hostModules.filter(imports.contains).map { .target(name: $0) }
    // Packages a suite may import too (the console's benchmark reads a real database).
    let products: [String: Target.Dependency] = ["PostgresNIO": .product(name: "PostgresNIO", package: "postgres-nio"), "Logging": logging]
    result += products.filter { imports.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
    return result
}

// The engine's modules: each engine is driven by one event loop, and every event reads and writes
// their class properties many times. Release builds skip Swift's dynamic exclusivity checks
// there (they were about a tenth of a candles replay); debug builds, which the tests run, keep them.
// An unsafe flag keeps this package from being another package's dependency: strategies live in
// it (strategies/), and StrategyKit, the one package a plugin needs, has none.
let engineSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
let sdk: Target.Dependency = .product(name: "StrategyKit", package: "StrategyKit")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "ea-okx-runtime",
    products: [
        .executable(name: "runtime", targets: ["RuntimeCLI"]),
        // The end-to-end throughput harness (scripts/bench.sh e2e).
        .executable(name: "e2e", targets: ["E2E"]),
        // What a strategy's own test target imports: its strategy run in-process through the real engine.
        .library(name: "StrategyKitTesting", targets: ["StrategyKitTesting"]),
    ]
    + (strategyPlugins + testPlugins).map { .library(name: $0, type: .dynamic, targets: [$0]) },
    dependencies: [
        .package(path: "Sources/StrategyKit"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.25.0"),
        .package(url: "https://github.com/vapor/websocket-kit.git", from: "2.15.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        // HMAC-SHA256 for OKX request signing and the console's session cookies. The range is the one
        // postgres-nio and swift-certificates already accept, so adding it resolves to the version the build has.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"6.0.0"),
        // The operations console (`runtime web`): HTTP server, server-side templates, password hashes.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        // The host's metrics: recorded through swift-metrics' API, kept in a Prometheus registry
        // and scraped at /metrics (docs/metrics.md).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "MarketData", dependencies: [
            sdk, logging,
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "WebSocketKit", package: "websocket-kit"),
        ]),
        // A local server speaking OKX's public WebSocket protocol (acks, ping/pong, drops, silence),
        // serving recorded frames over a real socket: for tests and the offline demo. Also a fake OKX
        // private API (signed REST + private WebSocket, scripted faults) matching with the PaperVenue.
        .target(name: "OKXTestServer", dependencies: [
            logging, sdk, "Execution",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        // OKX history download (`runtime history download`): a pure pagination / rate-limit / retry
        // plan, and a thin HTTP driver over AsyncHTTPClient at its edge.
        .target(name: "History", dependencies: [
            sdk, logging, "MarketData",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "DataQuality", dependencies: [sdk], swiftSettings: engineSettings),
        .target(name: "Execution", dependencies: [sdk], swiftSettings: engineSettings),
        // The pure core of the OKX private venue: signing, order lifecycle with an in-doubt state,
        // fill accounting, error classes, rate buckets, the private session and the reconciler, and
        // the private-message codec. No I/O: drivers (REST, WebSocket) come as thin shells around it.
        .target(name: "OKXTrading", dependencies: [
            sdk, logging, "Execution",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The I/O edges of the OKX private venue: a signed REST client (AsyncHTTPClient), the private
        // WebSocket (websocket-kit) driving OKXPrivateSession, and the order desk performing what the
        // order state machines ask. Thin: every decision is OKXTrading's.
        .target(name: "OKXVenue", dependencies: [
            sdk, logging, "OKXTrading", "Execution", "MarketData",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "WebSocketKit", package: "websocket-kit"),
        ]),
        .target(name: "Portfolio", dependencies: [sdk], swiftSettings: engineSettings),
        // Backtest statistics (returns, Sharpe, drawdown, ...) as pure functions of an equity series and trades.
        .target(name: "Analytics", dependencies: [sdk]),
        // Inline SVG charts (line, drawdown area, bars): no dependencies, shared by reports and any web view.
        .target(name: "Charts"),
        // Self-contained HTML reports (replay, sweep) assembled from Analytics and Charts.
        .target(name: "Reports", dependencies: [sdk, "Analytics", "Charts"]),
        // The one record of positions (the portfolio's) and open orders that strategies, risk and
        // the invariant checker read.
        .target(name: "Ledger", dependencies: [sdk, "Portfolio"], swiftSettings: engineSettings),
        .target(name: "Risk", dependencies: [sdk, "Ledger"], swiftSettings: engineSettings),
        .target(name: "Storage", dependencies: [
            sdk, logging,
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // The host (named apart from Swift's own `Runtime` module, which packages such as
        // ordo-one/benchmark probe with canImport(Runtime)).
        .target(name: "RuntimeHost", dependencies: [
            sdk, logging, "MarketData", "DataQuality", "Risk", "Execution", "Portfolio", "Ledger", "Storage", "Analytics", "Reports",
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            // /metrics when no console serves it: the same HTTP stack as the console's.
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: engineSettings),
        // StrategyTester: a strategy type run in-process (no plugin library, no database) through the
        // host's engine, quality gate, risk engine, paper venue and portfolio, for strategies' test targets.
        .target(name: "StrategyKitTesting", dependencies: [
            sdk, logging, "RuntimeHost", "MarketData", "Risk", "Execution", "Portfolio",
        ]),
        // The operations web console: server-rendered pages over the host's read models, the same
        // operator rules as the CLI, password login and signed session cookies.
        .target(name: "Console", dependencies: [
            "RuntimeHost", "Storage", "Risk", "Charts", sdk, logging,
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "RuntimeCLI", dependencies: [
            "Console", "RuntimeHost", "Storage", "MarketData", "OKXTestServer", "OKXTrading", "OKXVenue", "Risk", "Execution", "Portfolio", "DataQuality", "History",
            "Analytics", "Reports", sdk, logging,
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),

        .testTarget(name: "TradingCoreTests", dependencies: ["TestSupport",
            sdk, .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "StrategyKitTests", dependencies: ["TestSupport", "Ledger", "Portfolio", sdk]),
        .testTarget(name: "MarketDataTests", dependencies: ["TestSupport", "MarketData", "OKXTestServer", sdk]),
        .testTarget(name: "HistoryTests", dependencies: ["TestSupport", "History", "MarketData", "OKXTestServer", sdk]),
        .testTarget(name: "DataQualityTests", dependencies: ["TestSupport", "DataQuality", "MarketData", sdk]),
        .testTarget(name: "RiskTests", dependencies: ["TestSupport", "Risk", "Ledger", "Portfolio", sdk, .product(name: "Yams", package: "Yams")]),
        // The watchdog, signal waits and child processes every test target uses (no test hangs).
        .target(name: "TestSupport", dependencies: [logging], path: "Tests/TestSupport"),
        // Literal constructors and sample instruments shared by the trading tests.
        .target(name: "TradingTestSupport", dependencies: [sdk], path: "Tests/TradingTestSupport"),
        // The OKX core's tests: pure and fast; the fault property draws from MarketData's seeded SplitMix64.
        .testTarget(name: "OKXTradingTests", dependencies: ["TestSupport", "TradingTestSupport", "OKXTrading", "MarketData", sdk]),
        // The OKX venue's drivers against the fake OKX private server, over real sockets.
        .testTarget(name: "OKXVenueTests", dependencies: ["TestSupport", "TradingTestSupport", "OKXVenue", "OKXTrading", "OKXTestServer",
                                                          "Execution", "MarketData", "RuntimeHost", "Risk", sdk, logging]),
        .testTarget(name: "ExecutionTests", dependencies: ["TestSupport", "Execution", "TradingTestSupport", sdk]),
        .testTarget(name: "PortfolioTests", dependencies: ["TestSupport", "Portfolio", "TradingTestSupport", sdk]),
        .testTarget(name: "ReportsTests", dependencies: ["TestSupport", "Analytics", "Charts", "Reports", sdk]),
        .testTarget(name: "StrategyKitTestingTests", dependencies: ["TestSupport", "StrategyKitTesting", "MarketData", sdk]),
        .testTarget(name: "StorageTests", dependencies: ["TestSupport", "Storage", sdk, .product(name: "PostgresNIO", package: "postgres-nio")]),
        .testTarget(name: "RuntimeTests", dependencies: ["TestSupport",
            "RuntimeHost", "Storage", "MarketData", "OKXTestServer", "Risk", "Execution", "Portfolio", "Ledger", "DataQuality", "History",
            "Analytics", "Reports", sdk,
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "ConsoleTests", dependencies: ["TestSupport",
            "Console", "RuntimeHost", "Storage", "OKXTestServer", sdk,
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            // The Chromium test drives the browser over its DevTools WebSocket.
            .product(name: "WebSocketKit", package: "websocket-kit"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The end-to-end throughput harness: a plain executable, not a suite (release builds only
        // measure; it loads lib<Name>.so of the strategies it runs from its own folder).
        .executableTarget(name: "E2E", dependencies: [
            sdk, logging, "MarketData", "DataQuality", "Risk", "Execution", "Portfolio", "Ledger", "Storage", "RuntimeHost",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ], path: "Benchmarks/E2E"),

        // Every strategy plugin's C entry points, registering the type named like its target.
        .plugin(name: "StrategyEntryPoints", capability: .buildTool(), path: "Plugins/StrategyEntryPoints"),
        // `swift package --allow-writing-to-package-directory new-strategy NAME` scaffolds strategies/NAME/ and its manifest.
        .plugin(
            name: "NewStrategy",
            capability: .command(
                intent: .custom(verb: "new-strategy", description: "Scaffold a strategy plugin in strategies/NAME/ and its manifest strategies/name.yaml"),
                permissions: [.writeToPackageDirectory(reason: "creates strategies/NAME/ and strategies/name.yaml")]
            ),
            path: "Plugins/NewStrategy"
        ),
    ]
    + strategyPlugins.map { name in
        .target(name: name, dependencies: [sdk], path: "strategies/\(name)", exclude: strategiesWithTests.contains(name) ? ["Tests"] : [],
                plugins: ["StrategyEntryPoints"])
    }
    + strategiesWithTests.sorted().map { name in
        .testTarget(name: "\(name)Tests", dependencies: [.target(name: name), "StrategyKitTesting", "TestSupport", sdk],
                    path: "strategies/\(name)/Tests",
                    // Every test target links into one test executable, and each strategy module carries
                    // the same two generated C entry points (strategykit_register, strategykit_abi_version)
                    // for its lib<Name>.so. In the test executable nothing calls them (plugins are dlopen'ed
                    // and looked up in their own library), so the first copy may stand for all.
                    linkerSettings: [.unsafeFlags(["-Xlinker", "--allow-multiple-definition"])])
    }
    + testPlugins.map { .target(name: $0, dependencies: [sdk], path: "Tests/Plugins/\($0)", plugins: ["StrategyEntryPoints"]) }
    + benchmarkSuites.map { suite in
        .executableTarget(name: suite, dependencies: benchmarkDependencies(of: suite), path: "Benchmarks/Benchmarks/\(suite)",
                          plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
    },
    swiftLanguageModes: [.v6]
)
