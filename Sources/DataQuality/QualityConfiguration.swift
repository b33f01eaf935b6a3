import TradingCore

/// The `quality:` section of config/runtime.yaml: default rules, and per-instrument overrides
/// under `instruments:` that change only the keys they name.
///
/// ```yaml
/// quality:
///   timestamp: { future_skew_ms: 2000, max_age_ms: 30000 }
///   price:     { max_deviation_pct: 5, reference_max_age_ms: 300000, reanchor_after: 3 }
///   zscore:    { action: flag, window: 200, threshold: 6, min_samples: 50, min_sigma_bps: 5 }
///   dedup:     { capacity: 16384, window_ms: 60000 }
///   book:      { crossed_action: reject }
///   burst:     { rejections: 10, window_ms: 10000, cooldown_ms: 60000 }
///   instruments:
///     PAY-BTC: { zscore: { min_sigma_bps: 80 } }
/// ```
///
/// Every section and key is optional (`quality: {}` means all defaults, see ``QualityRules``);
/// unknown keys, wrong types and out-of-range values are refused with the field's full path.
public struct QualityConfiguration: Hashable, Sendable, Decodable {
    /// The rules for every instrument without an override.
    public let defaults: QualityRules
    /// Fully resolved rules (defaults with the override applied) by instrument.
    public let instrumentRules: [InstrumentId: QualityRules]

    /// Builds a configuration in code, validating it like the YAML path does.
    public init(defaults: QualityRules = .standard, instrumentRules: [InstrumentId: QualityRules] = [:]) throws(QualityConfigurationError) {
        try Self.validate(defaults, path: "quality")
        for (instrument, rules) in instrumentRules {
            try Self.validate(rules, path: "quality.instruments.\(instrument.symbol)")
        }
        self.defaults = defaults
        self.instrumentRules = instrumentRules
    }

    /// The documented defaults for every instrument.
    public static let standard = QualityConfiguration(unvalidatedDefaults: .standard)

    private init(unvalidatedDefaults: QualityRules) {
        defaults = unvalidatedDefaults
        instrumentRules = [:]
    }

    /// The rules that judge `instrument`.
    public func rules(for instrument: InstrumentId) -> QualityRules {
        instrumentRules[instrument] ?? defaults
    }

    public init(from decoder: any Decoder) throws {
        let root = try ConfigurationSection(decoder.container(keyedBy: ConfigurationKey.self), path: "quality",
                                            knownKeys: Self.sectionKeys + ["instruments"])
        let defaults = try Self.rules(from: root, base: .standard)
        try Self.validate(defaults, path: "quality")
        var instrumentRules: [InstrumentId: QualityRules] = [:]
        if root.contains("instruments") {
            let instruments: KeyedDecodingContainer<ConfigurationKey>
            do {
                instruments = try root.container.nestedContainer(keyedBy: ConfigurationKey.self, forKey: ConfigurationKey("instruments"))
            } catch {
                throw QualityConfigurationError.wrongType(field: "quality.instruments", expected: "a mapping from instrument id to overrides")
            }
            for key in instruments.allKeys {
                let path = "quality.instruments.\(key.stringValue)"
                let instrument: InstrumentId
                do {
                    instrument = try InstrumentId(parsing: key.stringValue)
                } catch {
                    throw QualityConfigurationError.invalidInstrument(field: path, reason: error.reason)
                }
                let nested: KeyedDecodingContainer<ConfigurationKey>
                do {
                    nested = try instruments.nestedContainer(keyedBy: ConfigurationKey.self, forKey: key)
                } catch {
                    throw QualityConfigurationError.wrongType(field: path, expected: "a mapping of section overrides")
                }
                let section = try ConfigurationSection(nested, path: path, knownKeys: Self.sectionKeys)
                let rules = try Self.rules(from: section, base: defaults)
                try Self.validate(rules, path: path)
                instrumentRules[instrument] = rules
            }
        }
        self.defaults = defaults
        self.instrumentRules = instrumentRules
    }

    static let sectionKeys = ["timestamp", "price", "zscore", "dedup", "book", "burst"]

    /// One day in milliseconds: the largest duration any setting takes.
    private static let maxMilliseconds = 86_400_000

    /// Reads the rule sections of `section`, each key falling back to `base`.
    static func rules(from section: ConfigurationSection, base: QualityRules) throws(QualityConfigurationError) -> QualityRules {
        var rules = base
        if let timestamp = try section.section("timestamp", knownKeys: ["enabled", "future_skew_ms", "max_age_ms"]) {
            rules.timestamp.enabled = try timestamp.bool("enabled", base: base.timestamp.enabled)
            rules.timestamp.futureSkewNanoseconds = try timestamp.milliseconds(
                "future_skew_ms", baseNanoseconds: base.timestamp.futureSkewNanoseconds, in: 0...maxMilliseconds)
            rules.timestamp.maxAgeNanoseconds = try timestamp.milliseconds(
                "max_age_ms", baseNanoseconds: base.timestamp.maxAgeNanoseconds, in: 1...maxMilliseconds)
        }
        if let price = try section.section("price", knownKeys: ["enabled", "max_deviation_pct", "reference_max_age_ms", "reanchor_after"]) {
            rules.price.enabled = try price.bool("enabled", base: base.price.enabled)
            let percent = try price.number("max_deviation_pct", base: base.price.maxDeviationPercent,
                                           requirement: "must be above 0 and at most 1000 (percent)") { $0 > 0 && $0 <= 1000 }
            let partsPerMillion = Int64((percent * 10_000).rounded())
            guard partsPerMillion > 0 else {
                throw .invalidValue(field: price.field("max_deviation_pct"), value: String(percent), requirement: "must be at least 0.0001 (percent)")
            }
            rules.price.maxDeviationPartsPerMillion = partsPerMillion
            rules.price.referenceMaxAgeNanoseconds = try price.milliseconds(
                "reference_max_age_ms", baseNanoseconds: base.price.referenceMaxAgeNanoseconds, in: 1...maxMilliseconds)
            rules.price.reanchorAfter = try price.integer("reanchor_after", base: base.price.reanchorAfter, in: 2...10_000)
        }
        if let zScore = try section.section("zscore", knownKeys: ["action", "window", "threshold", "min_samples", "min_sigma_bps"]) {
            rules.zScore.action = try zScore.action("action", base: base.zScore.action, allowed: [.off, .flag, .reject])
            rules.zScore.window = try zScore.integer("window", base: base.zScore.window, in: 2...100_000)
            rules.zScore.threshold = try zScore.number("threshold", base: base.zScore.threshold,
                                                       requirement: "must be above 0 and at most 1000") { $0 > 0 && $0 <= 1000 }
            rules.zScore.minSamples = try zScore.integer("min_samples", base: base.zScore.minSamples, in: 2...100_000)
            rules.zScore.minSigmaBasisPoints = try zScore.number("min_sigma_bps", base: base.zScore.minSigmaBasisPoints,
                                                                 requirement: "must be at least 0 and at most 10000") { $0 >= 0 && $0 <= 10_000 }
        }
        if let dedup = try section.section("dedup", knownKeys: ["enabled", "capacity", "window_ms"]) {
            rules.dedup.enabled = try dedup.bool("enabled", base: base.dedup.enabled)
            rules.dedup.capacity = try dedup.integer("capacity", base: base.dedup.capacity, in: 1...TradeIdWindow.maximumCapacity)
            rules.dedup.windowNanoseconds = try dedup.milliseconds("window_ms", baseNanoseconds: base.dedup.windowNanoseconds, in: 1...maxMilliseconds)
        }
        if let book = try section.section("book", knownKeys: ["crossed_action"]) {
            rules.book.crossedAction = try book.action("crossed_action", base: base.book.crossedAction, allowed: [.flag, .reject])
        }
        if let burst = try section.section("burst", knownKeys: ["enabled", "rejections", "window_ms", "cooldown_ms"]) {
            rules.burst.enabled = try burst.bool("enabled", base: base.burst.enabled)
            rules.burst.rejections = try burst.integer("rejections", base: base.burst.rejections, in: 1...10_000)
            rules.burst.windowNanoseconds = try burst.milliseconds("window_ms", baseNanoseconds: base.burst.windowNanoseconds, in: 1...maxMilliseconds)
            rules.burst.cooldownNanoseconds = try burst.milliseconds(
                "cooldown_ms", baseNanoseconds: base.burst.cooldownNanoseconds, in: 0...maxMilliseconds)
        }
        return rules
    }

    /// Checks ranges (for rules built in code) and the relations between fields.
    static func validate(_ rules: QualityRules, path: String) throws(QualityConfigurationError) {
        func requireMilliseconds(_ nanoseconds: Int64, _ field: String, minimum: Int64) throws(QualityConfigurationError) {
            guard nanoseconds >= minimum * 1_000_000, nanoseconds <= Int64(maxMilliseconds) * 1_000_000 else {
                throw .invalidValue(field: "\(path).\(field)", value: "\(nanoseconds / 1_000_000)",
                                    requirement: "must be between \(minimum) and \(maxMilliseconds) milliseconds")
            }
        }
        try requireMilliseconds(rules.timestamp.futureSkewNanoseconds, "timestamp.future_skew_ms", minimum: 0)
        try requireMilliseconds(rules.timestamp.maxAgeNanoseconds, "timestamp.max_age_ms", minimum: 1)
        guard rules.price.maxDeviationPartsPerMillion > 0, rules.price.maxDeviationPartsPerMillion <= 10_000_000 else {
            throw .invalidValue(field: "\(path).price.max_deviation_pct", value: String(rules.price.maxDeviationPercent),
                                requirement: "must be above 0 and at most 1000 (percent)")
        }
        try requireMilliseconds(rules.price.referenceMaxAgeNanoseconds, "price.reference_max_age_ms", minimum: 1)
        guard (2...10_000).contains(rules.price.reanchorAfter) else {
            throw .invalidValue(field: "\(path).price.reanchor_after", value: String(rules.price.reanchorAfter),
                                requirement: "must be between 2 and 10000 (1 would let any single bad price become the reference)")
        }
        guard (2...100_000).contains(rules.zScore.window) else {
            throw .invalidValue(field: "\(path).zscore.window", value: String(rules.zScore.window), requirement: "must be between 2 and 100000")
        }
        guard rules.zScore.threshold.isFinite, rules.zScore.threshold > 0, rules.zScore.threshold <= 1000 else {
            throw .invalidValue(field: "\(path).zscore.threshold", value: String(rules.zScore.threshold), requirement: "must be above 0 and at most 1000")
        }
        guard rules.zScore.minSamples >= 2 else {
            throw .invalidValue(field: "\(path).zscore.min_samples", value: String(rules.zScore.minSamples), requirement: "must be at least 2")
        }
        guard rules.zScore.minSamples <= rules.zScore.window else {
            throw .inconsistent(field: "\(path).zscore.min_samples",
                                reason: "min_samples (\(rules.zScore.minSamples)) exceeds window (\(rules.zScore.window)), so the check could never run")
        }
        guard rules.zScore.minSigmaBasisPoints.isFinite, rules.zScore.minSigmaBasisPoints >= 0, rules.zScore.minSigmaBasisPoints <= 10_000 else {
            throw .invalidValue(field: "\(path).zscore.min_sigma_bps", value: String(rules.zScore.minSigmaBasisPoints),
                                requirement: "must be at least 0 and at most 10000")
        }
        guard (1...TradeIdWindow.maximumCapacity).contains(rules.dedup.capacity) else {
            throw .invalidValue(field: "\(path).dedup.capacity", value: String(rules.dedup.capacity),
                                requirement: "must be between 1 and \(TradeIdWindow.maximumCapacity)")
        }
        try requireMilliseconds(rules.dedup.windowNanoseconds, "dedup.window_ms", minimum: 1)
        if rules.dedup.enabled, rules.timestamp.enabled, rules.dedup.windowNanoseconds < rules.timestamp.maxAgeNanoseconds {
            throw .inconsistent(field: "\(path).dedup.window_ms",
                                reason: "window_ms (\(rules.dedup.windowNanoseconds / 1_000_000)) is below timestamp.max_age_ms (\(rules.timestamp.maxAgeNanoseconds / 1_000_000)): a duplicate of a forgotten trade would be neither stale nor recognised; raise window_ms to at least max_age_ms")
        }
        guard rules.book.crossedAction != .off else {
            throw .invalidValue(field: "\(path).book.crossed_action", value: "off", requirement: "must be flag or reject")
        }
        guard (1...10_000).contains(rules.burst.rejections) else {
            throw .invalidValue(field: "\(path).burst.rejections", value: String(rules.burst.rejections), requirement: "must be between 1 and 10000")
        }
        try requireMilliseconds(rules.burst.windowNanoseconds, "burst.window_ms", minimum: 1)
        try requireMilliseconds(rules.burst.cooldownNanoseconds, "burst.cooldown_ms", minimum: 0)
    }
}
