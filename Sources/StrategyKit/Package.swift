// swift-tools-version:6.1
// The plugin SDK. It is a package of its own with ONE dynamic library product so that the
// host and every dlopen'ed strategy plugin share a single copy of its type metadata
// (see DESIGN.md, "Strategies and plugins"). It must never gain package dependencies.
import PackageDescription

let package = Package(
    name: "StrategyKit",
    products: [
        .library(name: "StrategyKit", type: .dynamic, targets: ["TradingCore", "StrategyKit"])
    ],
    targets: [
        .target(name: "TradingCore"),
        .target(name: "StrategyKit", dependencies: ["TradingCore"]),
    ],
    swiftLanguageModes: [.v6]
)
