import Foundation
import RuntimeHost
import TestSupport
import Testing
import TradingCore

@Suite("InstrumentCatalog", .watchdog)
struct InstrumentCatalogTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shippedCatalog = repositoryRoot.appendingPathComponent("config/instruments.yaml")

    func id(_ text: String) throws -> InstrumentId { try InstrumentId(parsing: text) }

    @Test("the shipped config/instruments.yaml loads with OKX's values")
    func shippedCatalog() throws {
        let catalog = try InstrumentCatalog.load(contentsOf: Self.shippedCatalog)
        for required in ["BTC-USDT", "ETH-USDT", "SOL-USDT", "BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP",
                         "DOGE-USDT", "XRP-USDT", "BTC-USD-SWAP"] {
            #expect(catalog[try id(required)] != nil, "\(required) missing")
        }
        let btc = try catalog.instrument(id("BTC-USDT"))
        #expect(btc.tickSize.description == "0.1" && btc.lotSize.description == "0.00000001" && btc.minSize.description == "0.00001")
        #expect(btc.contractValue == nil && btc.contractCurrency == nil)
        let btcSwap = try catalog.instrument(id("BTC-USDT-SWAP"))
        #expect(btcSwap.contractValue?.description == "0.01" && btcSwap.contractCurrency == "BTC" && !btcSwap.isInverse)
        #expect(btcSwap.lotSize.description == "0.01" && btcSwap.minSize.description == "0.01")
        let ethSwap = try catalog.instrument(id("ETH-USDT-SWAP"))
        #expect(ethSwap.contractValue?.description == "0.1" && ethSwap.contractCurrency == "ETH")
        let inverse = try catalog.instrument(id("BTC-USD-SWAP"))
        #expect(inverse.isInverse && inverse.contractValue?.description == "100")
    }

    /// Values the catalog deliberately changed from the 2022 capture (see the file's comments).
    static let changedSinceCapture: Set<String> = [
        "BTC-USDT-SWAP lotSz", "BTC-USDT-SWAP minSz", "ETH-USDT-SWAP lotSz", "ETH-USDT-SWAP minSz",
        "SOL-USDT-SWAP tickSz", "SOL-USDT-SWAP lotSz", "SOL-USDT-SWAP minSz",
    ]

    @Test("every shipped value matches OKX's 2022 instrument lists, except the documented changes")
    func crossCheckAgainstCapture() throws {
        let catalog = try InstrumentCatalog.load(contentsOf: Self.shippedCatalog)
        var captured: [String: [String: Any]] = [:]
        for kind in ["spot", "swap", "futures"] {
            let url = Self.repositoryRoot.appendingPathComponent("Tests/Fixtures/okx/rest/instruments_\(kind).json")
            let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            for row in document?["data"] as? [[String: Any]] ?? [] {
                if let instId = row["instId"] as? String { captured[instId] = row }
            }
        }
        var compared = 0
        for instrument in catalog.instruments {
            let symbol = instrument.id.symbol
            let row = try #require(captured[symbol], "\(symbol) is not in the 2022 capture")
            let shipped: [(String, String?)] = [
                ("tickSz", instrument.tickSize.description), ("lotSz", instrument.lotSize.description),
                ("minSz", instrument.minSize.description), ("ctVal", instrument.contractValue?.description),
                ("ctValCcy", instrument.contractCurrency),
            ]
            for (field, value) in shipped where !Self.changedSinceCapture.contains("\(symbol) \(field)") {
                let capturedValue = (row[field] as? String).flatMap { $0.isEmpty ? nil : $0 }
                #expect(value == capturedValue, "\(symbol) \(field): shipped \(value ?? "nil"), captured \(capturedValue ?? "nil")")
                compared += 1
            }
        }
        #expect(compared >= 50)
    }

    @Test("entries parse exactly from quoted and unquoted YAML decimals")
    func parsesDecimalsExactly() throws {
        let catalog = try InstrumentCatalog.parse(yaml: """
            instruments:
              - instId: BTC-USDT
                tickSz: 0.1
                lotSz: "0.00000001"
                minSz: 0.00001
              - instId: BTC-USD-SWAP
                instType: SWAP
                tickSz: "0.1"
                lotSz: "1"
                minSz: "1"
                ctVal: "100"
                ctValCcy: USD
            """)
        #expect(catalog.instruments.count == 2)
        #expect(catalog.instruments[0].lotSize.value.raw == 10_000)
        #expect(catalog.instruments[1].isInverse)
    }

    static func entry(_ lines: String) -> String { "instruments:\n  - " + lines.replacingOccurrences(of: "\n", with: "\n    ") }

    @Test("bad entries are refused naming the instrument and the field", arguments: [
        ("instId: BTC-USDT\ntickSz: \"0\"\nlotSz: \"1\"\nminSz: \"1\"", "BTC-USDT", "tickSz"),
        ("instId: BTC-USDT\ntickSz: \"-0.1\"\nlotSz: \"1\"\nminSz: \"1\"", "BTC-USDT", "tickSz"),
        ("instId: BTC-USDT\ntickSz: 1e-1\nlotSz: \"1\"\nminSz: \"1\"", "BTC-USDT", "tickSz"),
        ("instId: BTC-USDT\ntickSz: \"0.1\"\nminSz: \"1\"", "BTC-USDT", "lotSz"),
        ("instId: BTC-USDT\ntickSz: \"0.1\"\nlotSz: \"0.3\"\nminSz: \"1\"", "BTC-USDT", "minSz"),
        ("instId: BTC-USDT\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"0.0000000000001\"", "BTC-USDT", "minSz"),
        ("instId: BTC-USDT-SWAP\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"", "BTC-USDT-SWAP", "ctVal"),
        ("instId: BTC-USDT-SWAP\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"\nctVal: \"0.01\"", "BTC-USDT-SWAP", "ctValCcy"),
        ("instId: BTC-USDT-SWAP\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"\nctVal: \"0.01\"\nctValCcy: ETH", "BTC-USDT-SWAP", "ctValCcy"),
        ("instId: BTC-USDT\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"\nctVal: \"1\"", "BTC-USDT", "ctVal"),
        ("instId: BTC-USDT\ninstType: SWAP\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"", "BTC-USDT", "instType"),
        ("instId: BTC-USDT\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"\ntick: \"0.1\"", "BTC-USDT", "tick"),
        ("instId: BTC_USDT\ntickSz: \"0.1\"\nlotSz: \"1\"\nminSz: \"1\"", "BTC_USDT", "instId"),
    ])
    func refusesBadEntries(yaml: String, instrument: String, field: String) {
        #expect {
            try InstrumentCatalog.parse(yaml: Self.entry(yaml), source: "test.yaml")
        } throws: { error in
            guard case .invalidEntry(let source, let index, let named, let namedField, let reason) = error as? InstrumentCatalogError else { return false }
            let message = (error as? InstrumentCatalogError)?.description ?? ""
            return source == "test.yaml" && index == 0 && named == instrument && namedField == field && !reason.isEmpty
                && message.contains(instrument) && message.contains(field)
        }
    }

    @Test("structural problems, duplicates, unknown instruments and missing files are explained")
    func otherErrors() throws {
        #expect(throws: InstrumentCatalogError.invalidYAML(source: "x", reason: "expected a top-level 'instruments:' list")) {
            try InstrumentCatalog.parse(yaml: "things: []", source: "x")
        }
        #expect(throws: InstrumentCatalogError.self) { try InstrumentCatalog.parse(yaml: "instruments: [", source: "x") }
        #expect(throws: InstrumentCatalogError.duplicate(source: "x", instrument: "BTC-USDT")) {
            try InstrumentCatalog.parse(yaml: """
                instruments:
                  - {instId: BTC-USDT, tickSz: "0.1", lotSz: "1", minSz: "1"}
                  - {instId: BTC-USDT, tickSz: "0.1", lotSz: "1", minSz: "1"}
                """, source: "x")
        }
        let catalog = try InstrumentCatalog.parse(yaml: "instruments: []")
        #expect(throws: InstrumentCatalogError.unknownInstrument("ETH-USDT")) { try catalog.instrument(id("ETH-USDT")) }
        #expect(InstrumentCatalogError.unknownInstrument("ETH-USDT").description.contains("config/instruments.yaml"))
        #expect(throws: InstrumentCatalogError.self) {
            try InstrumentCatalog.load(contentsOf: URL(fileURLWithPath: "/nonexistent/instruments.yaml"))
        }
    }
}
