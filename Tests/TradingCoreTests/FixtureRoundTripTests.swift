import Foundation
import TestSupport
import Testing
import TradingCore

/// Every price, size and instrument id in the recorded OKX messages (Tests/Fixtures/okx) must
/// parse and print back byte for byte. The values are pulled out with JSONSerialization, which
/// keeps OKX's strings as strings, so nothing passes through a binary float on the way.
@Suite("OKX fixtures round-trip", .watchdog)
struct FixtureRoundTripTests {
    /// Fields that hold a price (never negative).
    static let priceFields: Set<String> = [
        "px", "fillPx", "avgPx", "last", "askPx", "bidPx", "open24h", "high24h", "low24h", "sodUtc0", "sodUtc8",
        "tickSz", "stk", "slOrdPx", "slTriggerPx", "tpOrdPx", "tpTriggerPx", "fillMarkPx", "fillPxUsd", "pxUsd",
        "fillFwdPx", "markPx", "idxPx", "bestAsk", "bestBid",
    ]
    /// Fields that hold a size, a volume, a contract value or another non-negative amount.
    static let sizeFields: Set<String> = [
        "sz", "fillSz", "accFillSz", "lastSz", "askSz", "bidSz", "vol24h", "volCcy24h", "lotSz", "minSz", "ctVal",
        "ctMult", "maxIcebergSz", "maxLmtSz", "maxMktSz", "maxStopSz", "maxTriggerSz", "maxTwapSz", "oi", "lever",
    ]
    /// Signed amounts of money.
    static let moneyFields: Set<String> = ["fee", "fillFee", "pnl", "fillPnl", "rebate", "fillMarkVol", "fillPxVol", "pxVol"]
    /// Numbers that are computed valuations or rates, not prices or sizes: OKX writes them with
    /// up to 22 decimals (float artifacts such as "10.000599999999999"), beyond FixedPoint's 12.
    /// They are read with `parse(_:roundingExcessDecimals:)` and checked against the text cut
    /// to 12 decimals.
    static let roundedFields: Set<String> = ["fundingRate", "nextFundingRate", "oiCcy", "notionalUsd", "fillNotionalUsd"]
    /// Millisecond timestamps.
    static let timeFields: Set<String> = ["ts", "cTime", "uTime", "fillTime", "listTime", "expTime", "fundingTime"]
    /// Instrument ids and families.
    static let instrumentFields: Set<String> = ["instId", "uly", "instFamily"]
    /// Numeric-looking fields that are ids, codes or counters, not amounts.
    static let otherNumericFields: Set<String> = [
        "tradeId", "ordId", "algoId", "uid", "code", "sCode", "category", "count", "reqId", "stpId", "checksum",
        "seqId", "prevSeqId", "inTime", "outTime", "clOrdId", "algoClOrdId", "tag", "amendResult", "source",
    ]

    struct Tally {
        var prices = 0, sizes = 0, money = 0, rounded = 0, times = 0, instruments = 0, levels = 0, candles = 0
        var unclassified: [String: String] = [:]
    }

    static func fixtureFiles() throws -> [URL] {
        let okx = FixtureFiles.root.appendingPathComponent("okx")
        let enumerator = FileManager.default.enumerator(at: okx, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            let name = url.lastPathComponent
            // ws/*.jsonl, ws/private/*.jsonl, rest/*.json(l) and the checksum vectors' book levels.
            if name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
                files.append(url)
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    static func documents(in url: URL) throws -> [Any] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let chunks = url.pathExtension == "jsonl"
            ? text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            : [text]
        return try chunks.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
    }

    func expectRoundTrip(_ text: String, as kind: String, field: String, file: String, _ parse: (String) throws -> String) {
        do {
            let printed = try parse(text)
            #expect(printed == text, "\(file): \(field) '\(text)' printed back as '\(printed)' (\(kind))")
        } catch {
            Issue.record("\(file): \(field) '\(text)' refused as \(kind): \(error)")
        }
    }

    /// Walks one decoded document, checking every classified value.
    func walk(_ node: Any, key: String, channel: String?, file: String, tally: inout Tally) {
        if let object = node as? [String: Any] {
            let channel = ((object["arg"] as? [String: Any])?["channel"] as? String) ?? channel
            for (childKey, child) in object {
                if childKey == "asks" || childKey == "bids", let levels = child as? [[Any]] {
                    for level in levels { checkBookLevel(level, file: file, tally: &tally) }
                } else if childKey == "data", channel?.hasPrefix("candle") == true, let rows = child as? [[Any]] {
                    for row in rows { checkCandle(row, file: file, tally: &tally) }
                } else {
                    walk(child, key: childKey, channel: channel, file: file, tally: &tally)
                }
            }
        } else if let array = node as? [Any] {
            for element in array { walk(element, key: key, channel: channel, file: file, tally: &tally) }
        } else if let text = node as? String, !text.isEmpty {
            check(text, field: key, file: file, tally: &tally)
        }
    }

    func check(_ text: String, field: String, file: String, tally: inout Tally) {
        if Self.priceFields.contains(field) {
            tally.prices += 1
            expectRoundTrip(text, as: "price", field: field, file: file) { try Price(parsing: $0).description }
        } else if Self.sizeFields.contains(field) {
            tally.sizes += 1
            expectRoundTrip(text, as: "quantity", field: field, file: file) { try Quantity(parsing: $0).description }
        } else if Self.moneyFields.contains(field) {
            tally.money += 1
            expectRoundTrip(text, as: "money", field: field, file: file) { try Money(parsing: $0).description }
        } else if Self.roundedFields.contains(field) {
            tally.rounded += 1
            expectRoundTrip(Self.cutTo12Decimals(text), as: "rounded valuation", field: field, file: file) { _ in
                try FixedPoint(parsing: text, roundingExcessDecimals: .towardZero).description
            }
        } else if Self.timeFields.contains(field) {
            tally.times += 1
            let time = Timestamp(millisecondsText: text)
            #expect(time.map { String($0.millisecondsSinceEpoch) } == text, "\(file): \(field) '\(text)' is not a millisecond timestamp")
        } else if Self.instrumentFields.contains(field) {
            tally.instruments += 1
            expectRoundTrip(text, as: "instrument id", field: field, file: file) { try InstrumentId(parsing: $0).description }
        } else if !Self.otherNumericFields.contains(field), text.first.map({ $0.isNumber || $0 == "-" }) == true,
                  (try? FixedPoint(parsing: text)) != nil || text.allSatisfy({ $0.isNumber || $0 == "." }) {
            tally.unclassified[field] = text
        }
    }

    /// A book level: [price, size, liquidated orders (deprecated, "0"), order count].
    func checkBookLevel(_ level: [Any], file: String, tally: inout Tally) {
        tally.levels += 1
        let texts = level.compactMap { $0 as? String }
        #expect(texts.count == level.count && texts.count >= 2, "\(file): book level \(level) is not all strings")
        guard texts.count >= 2 else { return }
        expectRoundTrip(texts[0], as: "price", field: "book level price", file: file) { try Price(parsing: $0).description }
        expectRoundTrip(texts[1], as: "quantity", field: "book level size", file: file) { try Quantity(parsing: $0).description }
        for extra in texts.dropFirst(2) {
            expectRoundTrip(extra, as: "quantity", field: "book level count", file: file) { try Quantity(parsing: $0).description }
        }
    }

    /// A candle: [ts, o, h, l, c, vol, volCcy, volCcyQuote?, confirm?].
    func checkCandle(_ row: [Any], file: String, tally: inout Tally) {
        tally.candles += 1
        let texts = row.compactMap { $0 as? String }
        #expect(texts.count == row.count && texts.count >= 7, "\(file): candle \(row) is not 7 or more strings")
        guard texts.count >= 7 else { return }
        #expect(Timestamp(millisecondsText: texts[0]).map { String($0.millisecondsSinceEpoch) } == texts[0])
        for (index, name) in ["o", "h", "l", "c"].enumerated() {
            expectRoundTrip(texts[index + 1], as: "price", field: "candle \(name)", file: file) { try Price(parsing: $0).description }
        }
        for (offset, text) in texts.dropFirst(5).enumerated() {
            let name = ["vol", "volCcy", "volCcyQuote", "confirm"][min(offset, 3)]
            expectRoundTrip(text, as: "quantity", field: "candle \(name)", file: file) { try Quantity(parsing: $0).description }
        }
    }

    static func cutTo12Decimals(_ text: String) -> String {
        guard let point = text.firstIndex(of: ".") else { return text }
        var fraction = String(text[text.index(after: point)...].prefix(12))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let integer = String(text[..<point])
        return fraction.isEmpty ? integer : integer + "." + fraction
    }

    @Test("every price, size and instId in Tests/Fixtures/okx prints back exactly")
    func everyValueRoundTrips() throws {
        let files = try Self.fixtureFiles()
        #expect(files.count >= 19, "fixture files not found under \(FixtureFiles.root.path)")
        var tally = Tally()
        for url in files {
            let name = url.pathComponents.suffix(3).joined(separator: "/")
            for document in try Self.documents(in: url) {
                walk(document, key: "", channel: nil, file: name, tally: &tally)
            }
        }
        // Every numeric field is classified: a new field in a fixture must be added above.
        #expect(tally.unclassified.isEmpty, "unclassified numeric fields: \(tally.unclassified)")
        // The walk really visited the data (counts as of the fixtures shipped).
        #expect(tally.levels > 10_000)
        #expect(tally.prices > 1_000 && tally.sizes > 5_000 && tally.instruments > 2_500 && tally.candles >= 16)
        #expect(tally.money > 0 && tally.rounded > 0 && tally.times > 1_000)
        print("checked: \(tally.prices) prices, \(tally.sizes) sizes, \(tally.money) money, \(tally.rounded) rounded valuations, \(tally.times) timestamps, \(tally.instruments) instrument ids, \(tally.levels) book levels, \(tally.candles) candles")
    }

    @Test("valuation fields with more than 12 decimals are refused by the exact parser")
    func valuationsNeedRounding() throws {
        for text in ["0.0000734174532791", "123562.1205163528751467", "10.000599999999999"] {
            #expect(throws: DecimalParseError.tooManyDecimals(input: text, maximum: 12)) { try FixedPoint(parsing: text) }
        }
        #expect(try FixedPoint(parsing: "10.000599999999999", roundingExcessDecimals: .toNearestOrAwayFromZero).description == "10.0006")
        #expect(try FixedPoint(parsing: "-0.0000000000015", roundingExcessDecimals: .toNearestOrAwayFromZero).description == "-0.000000000002")
        #expect(try FixedPoint(parsing: "-0.0000000000015", roundingExcessDecimals: .up).description == "-0.000000000001")
        #expect(try FixedPoint(parsing: "0.0000000000011", roundingExcessDecimals: .up).description == "0.000000000002")
        #expect(try FixedPoint(parsing: "0.0000000000011", roundingExcessDecimals: .down).description == "0.000000000001")
    }

    @Test("every instrument in the REST instrument lists loads as valid Instrument metadata")
    func instrumentListsAreValidMetadata() throws {
        var checked = 0
        for url in try Self.fixtureFiles() where url.lastPathComponent.hasPrefix("instruments_") {
            for document in try Self.documents(in: url) {
                let rows = (document as? [String: Any])?["data"] as? [[String: Any]] ?? []
                for row in rows {
                    let id = try InstrumentId(parsing: try #require(row["instId"] as? String))
                    #expect(id.kind.rawValue == row["instType"] as? String, "\(id) kind")
                    func decimal(_ key: String) -> String? { (row[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
                    let instrument = Instrument(
                        id: id,
                        tickSize: try Price(parsing: try #require(decimal("tickSz"))),
                        lotSize: try Quantity(parsing: try #require(decimal("lotSz"))),
                        minSize: try Quantity(parsing: try #require(decimal("minSz"))),
                        contractValue: try decimal("ctVal").map { try Quantity(parsing: $0) },
                        contractCurrency: decimal("ctValCcy") ?? (row["ctValCcy"] as? String).flatMap { $0.isEmpty ? nil : $0 })
                    #expect(instrument.validationProblem() == nil, "\(instrument.validationProblem().map(String.init(describing:)) ?? "")")
                    if id.kind == .swap || id.kind == .futures {
                        #expect(instrument.isInverse == (row["ctType"] as? String == "inverse"), "\(id) inverse")
                    }
                    if id.kind != .spot { #expect(row["uly"] as? String == id.family, "\(id) family") }
                    checked += 1
                }
            }
        }
        #expect(checked > 1_000)
    }
}
