import Foundation
import RuntimeHost
import TestSupport
import Testing

/// The text edit `runtime instruments sync` makes: values rewritten where they stand, comments
/// kept, entries added at the end, nothing else touched.
@Suite(.watchdog) struct InstrumentFileSyncTests {
    static let file = """
        # header comment
        instruments:
          # --- spot ---
          - instId: BTC-USDT
            tickSz: "0.1"
            lotSz: "0.00000001"
            minSz: "0.00001"

          # --- swaps ---
          - instId: SOL-USDT-SWAP
            tickSz: "0.01"        # 2024 (0.001 in the 2022 capture)
            lotSz: "0.01"
            minSz: "0.01"
            ctVal: "1"
            ctValCcy: SOL
          - instId: LUNA-USDT
            tickSz: "0.01"
            lotSz: "0.01"
            minSz: "0.1"

        """

    static func listing(_ id: String, _ rules: [String: String], state: String = "live") -> InstrumentFileSync.Listing {
        .init(instId: id, rules: rules, state: state)
    }

    static let okx = [
        listing("BTC-USDT", ["tickSz": "0.10", "lotSz": "0.00000001", "minSz": "0.00001", "ctVal": "", "ctValCcy": ""]),
        listing("SOL-USDT-SWAP", ["tickSz": "0.001", "lotSz": "0.01", "minSz": "0.01", "ctVal": "1", "ctValCcy": "SOL"], state: "suspend"),
        listing("ADA-USDT", ["tickSz": "0.0001", "lotSz": "0.000001", "minSz": "1", "ctVal": "", "ctValCcy": ""]),
    ]

    @Test func aChangedValueIsRewrittenWhereItStandsAndOnlyItsOwnCommentGoes() throws {
        let outcome = try InstrumentFileSync.apply(to: Self.file, listings: Self.okx, adding: [], stamp: "T")
        #expect(outcome.changes.map(\.description) == ["SOL-USDT-SWAP tickSz: 0.01 -> 0.001"], "0.10 and 0.1 are the same tick")
        let lines = outcome.text.components(separatedBy: "\n")
        #expect(lines.contains("    tickSz: \"0.001\""))
        #expect(!outcome.text.contains("# 2024"), "the comment that explained the old value went with it")
        #expect(outcome.text.contains("# header comment") && outcome.text.contains("# --- swaps ---"))
        #expect(outcome.notListed == ["LUNA-USDT"] && outcome.text.contains("instId: LUNA-USDT"), "a delisted instrument is reported and kept")
        #expect(outcome.notLive == ["SOL-USDT-SWAP": "suspend"])
        #expect(lines.contains { $0.hasPrefix("# Synced with GET /api/v5/public/instruments") && $0.hasSuffix("T") })
        // Everything but the changed line and the stamp is as it was.
        let before = Set(Self.file.components(separatedBy: "\n")), after = Set(lines)
        #expect(before.subtracting(after) == ["    tickSz: \"0.01\"        # 2024 (0.001 in the 2022 capture)"])
    }

    @Test func aSecondSyncChangesNothingButTheStamp() throws {
        let once = try InstrumentFileSync.apply(to: Self.file, listings: Self.okx, adding: ["ADA-USDT"], stamp: "T1")
        let twice = try InstrumentFileSync.apply(to: once.text, listings: Self.okx, adding: ["ADA-USDT"], stamp: "T2")
        #expect(twice.changes.isEmpty && twice.added.isEmpty)
        let (first, second) = (once.text.components(separatedBy: "\n"), twice.text.components(separatedBy: "\n"))
        #expect(first.count == second.count)
        #expect(zip(first, second).filter { $0 != $1 }.map(\.1) == ["# Synced with GET /api/v5/public/instruments by `runtime instruments sync`: T2"])
    }

    @Test func anAddedInstrumentIsAppendedWithOKXsRulesAndLoads() throws {
        let outcome = try InstrumentFileSync.apply(to: Self.file, listings: Self.okx, adding: ["ADA-USDT"], stamp: "T")
        #expect(outcome.added == ["ADA-USDT"])
        let catalog = try InstrumentCatalog.parse(yaml: outcome.text)
        let ada = try #require(catalog[try .init(parsing: "ADA-USDT")])
        #expect(ada.tickSize.description == "0.0001" && ada.minSize.description == "1")
        #expect(catalog.instruments.map(\.id.symbol) == ["BTC-USDT", "SOL-USDT-SWAP", "LUNA-USDT", "ADA-USDT"])
    }

    @Test func aFieldTheFileLacksIsAdded() throws {
        let file = "instruments:\n  - instId: SOL-USDT-SWAP\n    tickSz: \"0.001\"\n    lotSz: \"0.01\"\n    minSz: \"0.01\"\n    ctVal: \"1\"\n"
        let outcome = try InstrumentFileSync.apply(to: file, listings: Self.okx, adding: [], stamp: "T")
        #expect(outcome.changes.map(\.description) == ["SOL-USDT-SWAP ctValCcy: (none) -> SOL"])
        #expect(outcome.text.contains("    ctVal: \"1\"\n    ctValCcy: SOL\n"))
    }

    @Test func anInstrumentOKXDoesNotListCannotBeAdded() throws {
        #expect {
            try InstrumentFileSync.apply(to: Self.file, listings: Self.okx, adding: ["NOPE-USDT"], stamp: "T")
        } throws: { error in
            "\(error)".contains("--add NOPE-USDT: OKX does not list it")
        }
    }

    @Test func valuesThatWouldNotLoadAreRefusedBeforeAnythingIsWritten() throws {
        let broken = [Self.listing("BTC-USDT", ["tickSz": "0.1", "lotSz": "0.001", "minSz": "0.0001"])]
        #expect {
            try InstrumentFileSync.apply(to: Self.file, listings: broken, adding: [], stamp: "T")
        } throws: { error in
            "\(error)".contains("would not load") && "\(error)".contains("BTC-USDT")
        }
    }
}
