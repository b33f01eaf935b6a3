import Foundation
import RuntimeHost
import StrategyKit
import TestSupport
import TradingCore

/// Shared helpers for the plugin and manifest tests: where the build put the plugins, how to build
/// throwaway plugins, and the instruments the tests trade.
enum PluginTestSupport {
    /// The SwiftPM bin directory: the test executable lives there, next to every lib<Name>.so
    /// built from strategies/ and libStrategyKit.so.
    static var binDirectory: String {
        PluginLoader.executableDirectory() ?? FileManager.default.currentDirectoryPath
    }

    /// A scratch directory for plugins built by tests, inside the build directory (gitignored),
    /// new on every call: two tests of one process asking for the same name (a shared fixture)
    /// running in parallel must not delete each other's files.
    static func scratchDirectory(_ name: String) throws -> String {
        let path = "\(binDirectory)/plugin-test-scratch/\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The worktree root (for Tests/Fixtures, strategies/ and config/).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Builds a shared library from C source with the system C compiler.
    static func buildCLibrary(named name: String, source: String, in directory: String) async throws -> String {
        let sourcePath = "\(directory)/\(name).c"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let output = "\(directory)/lib\(name).so"
        try await ChildProcess.succeed("cc", ["-shared", "-fPIC", "-o", output, sourcePath])
        return output
    }

    static let btcUSDT = Instrument(id: try! InstrumentId(parsing: "BTC-USDT"), tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                                    lotSize: Quantity(FixedPoint(units: 1, decimals: 8)), minSize: Quantity(FixedPoint(units: 1, decimals: 5)))
    static let ethUSDT = Instrument(id: try! InstrumentId(parsing: "ETH-USDT"), tickSize: Price(FixedPoint(units: 1, decimals: 2)),
                                    lotSize: Quantity(FixedPoint(units: 1, decimals: 6)), minSize: Quantity(FixedPoint(units: 1, decimals: 4)))
    static let solUSDT = Instrument(id: try! InstrumentId(parsing: "SOL-USDT"), tickSize: Price(FixedPoint(units: 1, decimals: 2)),
                                    lotSize: Quantity(FixedPoint(units: 1, decimals: 6)), minSize: Quantity(FixedPoint(units: 1, decimals: 3)))
    static let btcSwap = Instrument(id: try! InstrumentId(parsing: "BTC-USDT-SWAP"), tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                                    lotSize: Quantity(FixedPoint(units: 1, decimals: 2)), minSize: Quantity(FixedPoint(units: 1, decimals: 2)),
                                    contractValue: Quantity(FixedPoint(units: 1, decimals: 2)), contractCurrency: "BTC")
    static let ethSwap = Instrument(id: try! InstrumentId(parsing: "ETH-USDT-SWAP"), tickSize: Price(FixedPoint(units: 1, decimals: 2)),
                                    lotSize: Quantity(FixedPoint(units: 1, decimals: 2)), minSize: Quantity(FixedPoint(units: 1, decimals: 2)),
                                    contractValue: Quantity(FixedPoint(units: 1, decimals: 1)), contractCurrency: "ETH")
    static let ethBTC = Instrument(id: try! InstrumentId(parsing: "ETH-BTC"), tickSize: Price(FixedPoint(units: 1, decimals: 5)),
                                   lotSize: Quantity(FixedPoint(units: 1, decimals: 6)), minSize: Quantity(FixedPoint(units: 1, decimals: 3)))

    /// OKX's rules for the instruments the manifests use (tick, lot, min size, contract value).
    static let catalog: InstrumentCatalog = {
        do {
            return try InstrumentCatalog(instruments: [btcUSDT, ethUSDT, solUSDT, btcSwap, ethSwap, ethBTC])
        } catch {
            fatalError("test instruments are invalid: \(error)")
        }
    }()

    /// Real BTC-USDT trades (Binance spot, 2024-08-08 23:54 to 2024-08-09 00:05 UTC), as TradeTicks.
    static func recordedTrades(limit: Int = .max) throws -> [TradeTick] {
        let url = packageRoot.appendingPathComponent("Tests/Fixtures/market/binance_spot_btcusdt_trades_2024-08-08T2354Z_to_2024-08-09T0005Z.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var trades: [TradeTick] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            guard fields.count == 7, let time = Int64(fields[2]) else { continue }
            trades.append(TradeTick(instrument: btcUSDT.id, tradeId: TradeId(String(fields[3])),
                                    price: try Price(parsing: String(fields[4])), quantity: try Quantity(parsing: String(fields[5])),
                                    side: fields[6] == "true" ? .sell : .buy, timestamp: Timestamp(millisecondsSinceEpoch: time)))
            if trades.count >= limit { break }
        }
        return trades
    }
}
