import Foundation
import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// Decoding the `quality:` section (as JSON here; YAML decodes through the same Decodable path),
/// overrides, defaults, and refusals that name the field.
@Suite(.watchdog) struct QualityConfigurationTests {
    private func decode(_ json: String) throws -> QualityConfiguration {
        try JSONDecoder().decode(QualityConfiguration.self, from: Data(json.utf8))
    }

    /// The configuration error thrown while decoding `json`, if any.
    private func refusal(_ json: String) -> QualityConfigurationError? {
        do {
            _ = try decode(json)
            return nil
        } catch let error as QualityConfigurationError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func emptySectionMeansDocumentedDefaults() throws {
        let configuration = try decode("{}")
        #expect(configuration.defaults == .standard)
        let rules = configuration.defaults
        #expect(rules.timestamp.futureSkewNanoseconds == ms(2000))
        #expect(rules.timestamp.maxAgeNanoseconds == ms(30_000))
        #expect(rules.price.maxDeviationPartsPerMillion == 50_000)
        #expect(rules.price.referenceMaxAgeNanoseconds == ms(300_000))
        #expect(rules.price.reanchorAfter == 3)
        #expect(rules.zScore == .init(action: .flag, window: 200, threshold: 6, minSamples: 50, minSigmaBasisPoints: 5))
        #expect(rules.dedup == .init(enabled: true, capacity: 16_384, windowNanoseconds: ms(60_000)))
        #expect(rules.book.crossedAction == .reject)
        #expect(rules.burst == .init(enabled: true, rejections: 10, windowNanoseconds: ms(10_000), cooldownNanoseconds: ms(60_000)))
    }

    @Test func fullSectionAndPartialInstrumentOverrides() throws {
        let configuration = try decode("""
        {
          "timestamp": {"enabled": true, "future_skew_ms": 500, "max_age_ms": 10000},
          "price": {"max_deviation_pct": 2.5, "reference_max_age_ms": 60000, "reanchor_after": 4},
          "zscore": {"action": "reject", "window": 100, "threshold": 4.5, "min_samples": 20, "min_sigma_bps": 1},
          "dedup": {"capacity": 1000, "window_ms": 20000},
          "book": {"crossed_action": "flag"},
          "burst": {"rejections": 5, "window_ms": 2000, "cooldown_ms": 0},
          "instruments": {
            "PAY-BTC": {"zscore": {"min_sigma_bps": 80}},
            "BTC-USDT-SWAP": {"price": {"max_deviation_pct": 1}, "dedup": {"capacity": 65536}}
          }
        }
        """)
        let defaults = configuration.defaults
        #expect(defaults.timestamp.futureSkewNanoseconds == ms(500))
        #expect(defaults.price.maxDeviationPartsPerMillion == 25_000)
        #expect(defaults.price.reanchorAfter == 4)
        #expect(defaults.zScore.action == .reject)
        #expect(defaults.zScore.threshold == 4.5)
        #expect(defaults.dedup.capacity == 1000)
        #expect(defaults.book.crossedAction == .flag)
        #expect(defaults.burst.cooldownNanoseconds == 0)

        // An override changes only what it names; the rest comes from the section, not the built-ins.
        let pay = configuration.rules(for: try Make.instrument("PAY-BTC"))
        #expect(pay.zScore.minSigmaBasisPoints == 80)
        #expect(pay.zScore.threshold == 4.5)
        #expect(pay.price == defaults.price)
        let swap = configuration.rules(for: try Make.instrument("BTC-USDT-SWAP"))
        #expect(swap.price.maxDeviationPartsPerMillion == 10_000)
        #expect(swap.price.reanchorAfter == 4)
        #expect(swap.dedup.capacity == 65_536)
        #expect(swap.dedup.windowNanoseconds == ms(20_000))
        #expect(configuration.rules(for: try Make.instrument("ETH-USDT")) == defaults)
    }

    @Test(arguments: [
        (#"{"price": {"max_deviation_pct": 0}}"#, "quality.price.max_deviation_pct"),
        (#"{"price": {"max_deviation_pct": -1}}"#, "quality.price.max_deviation_pct"),
        (#"{"price": {"reanchor_after": 1}}"#, "quality.price.reanchor_after"),
        (#"{"timestamp": {"max_age_ms": 0}}"#, "quality.timestamp.max_age_ms"),
        (#"{"timestamp": {"future_skew_ms": -5}}"#, "quality.timestamp.future_skew_ms"),
        (#"{"timestamp": {"future_skew_ms": "soon"}}"#, "quality.timestamp.future_skew_ms"),
        (#"{"zscore": {"action": "panic"}}"#, "quality.zscore.action"),
        (#"{"zscore": {"window": 10, "min_samples": 11}}"#, "quality.zscore.min_samples"),
        (#"{"zscore": {"threshold": 0}}"#, "quality.zscore.threshold"),
        (#"{"dedup": {"capacity": 0}}"#, "quality.dedup.capacity"),
        (#"{"dedup": {"window_ms": 10000}}"#, "quality.dedup.window_ms"),
        (#"{"book": {"crossed_action": "off"}}"#, "quality.book.crossed_action"),
        (#"{"burst": {"rejections": 0}}"#, "quality.burst.rejections"),
        (#"{"price": {"max_deviaton_pct": 5}}"#, "quality.price.max_deviaton_pct"),
        (#"{"prices": {}}"#, "quality.prices"),
        (#"{"price": 5}"#, "quality.price"),
        (#"{"instruments": {"BTCUSDT": {}}}"#, "quality.instruments.BTCUSDT"),
        (#"{"instruments": {"BTC-USDT": {"price": {"max_deviation_pct": 0}}}}"#, "quality.instruments.BTC-USDT.price.max_deviation_pct"),
        (#"{"instruments": {"BTC-USDT": {"instruments": {}}}}"#, "quality.instruments.BTC-USDT.instruments"),
        (#"{"timestamp": {"max_age_ms": 90000}}"#, "quality.dedup.window_ms"),
    ])
    func invalidValuesAreRefusedNamingTheField(json: String, field: String) throws {
        let error = try #require(refusal(json))
        #expect(error.field == field)
        #expect(error.description.contains(field))
    }

    @Test func configurationErrorIsFoundInsideAWrappingDecodingError() {
        let original = QualityConfigurationError.invalidValue(field: "quality.dedup.capacity", value: "0", requirement: "must be between 1 and 16777216")
        let wrapped = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid YAML.", underlyingError: original))
        #expect(QualityConfigurationError.find(in: wrapped) == original)
        #expect(QualityConfigurationError.find(in: original) == original)
        #expect(QualityConfigurationError.find(in: CocoaError(.fileNoSuchFile)) == nil)
    }

    @Test func codeBuiltConfigurationIsValidatedToo() {
        var rules = QualityRules.standard
        rules.zScore.minSamples = 500
        #expect(throws: QualityConfigurationError.self) { try QualityConfiguration(defaults: rules) }
    }

    @Test func runtimeYamlQualitySectionUsesOnlyKnownKeys() throws {
        // No YAML parser in this target: check that every key written in config/runtime.yaml's
        // quality section is one the decoder knows (the lead's Yams decoding is the full check).
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/runtime.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var inQuality = false
        var keys: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("quality:") { inQuality = true; continue }
            if inQuality, let first = line.first, first != " ", first != "#" { break }
            let trimmed = line.drop { $0 == " " }
            guard inQuality, !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { continue }
            keys.append(String(trimmed[..<colon]))
        }
        let known = Set(QualityConfiguration.sectionKeys + ["instruments", "enabled", "future_skew_ms", "max_age_ms",
            "max_deviation_pct", "reference_max_age_ms", "reanchor_after", "action", "window", "threshold", "min_samples",
            "min_sigma_bps", "capacity", "window_ms", "crossed_action", "rejections", "cooldown_ms"])
        #expect(keys.count > 20)
        #expect(keys.filter { !known.contains($0) } == [])
    }
}
