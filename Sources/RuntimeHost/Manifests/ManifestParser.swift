import Foundation
import StrategyKit
import TradingCore
import Yams

/// Parses manifest YAML into a ``StrategyManifest``, checking the schema: required fields present,
/// each of the right type and form, no unknown keys. It reports every problem it finds, each
/// naming its field. It does not look outside the text (plugins, instruments catalog): that is
/// ``ManifestValidator``'s job.
public enum ManifestParser {
    /// The top-level keys a manifest may have.
    public static let knownKeys: Set<String> = [
        "name", "plugin", "strategy", "version", "instruments", "channels", "parameters",
        "allocated_capital", "risk_limits", "mode", "bars",
    ]
    /// The keys a manifest must have (`parameters` may be omitted for strategies without any).
    public static let requiredKeys = ["name", "plugin", "strategy", "version", "instruments", "channels",
                                      "allocated_capital", "risk_limits", "mode"]

    /// Parses manifest text. `source` names the file in errors.
    /// - Throws: ``ManifestValidationFailure`` listing every problem.
    public static func parse(_ text: String, source: String? = nil) throws(ManifestValidationFailure) -> StrategyManifest {
        var errors: [ManifestError] = []
        let composed: Node?
        do {
            composed = try SafeYAML.compose(text)
        } catch {
            throw ManifestValidationFailure(source: source, errors: [ManifestError(field: error.field, reason: error.reason)])
        }
        guard let root = composed else {
            throw ManifestValidationFailure(source: source, errors: [ManifestError(field: "(document)", reason: "the manifest is empty")])
        }
        guard case .mapping(let mapping) = root else {
            throw ManifestValidationFailure(source: source, errors: [ManifestError(field: "(document)", reason: "a manifest is a map of fields (name:, plugin:, ...)")])
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                errors.append(ManifestError(field: "(document)", reason: "field names must be plain words"))
                continue
            }
            if knownKeys.contains(scalar.string) {
                fields[scalar.string] = value
            } else {
                errors.append(ManifestError(field: scalar.string, reason: "unknown field (known: \(knownKeys.sorted().joined(separator: ", ")))"))
            }
        }
        for key in requiredKeys where fields[key] == nil {
            errors.append(ManifestError(field: key, reason: "missing (required)"))
        }

        func field<T>(_ key: String, _ convert: (Node) throws(ManifestError) -> T) -> T? {
            guard let node = fields[key] else { return nil }
            do {
                return try convert(node)
            } catch {
                errors.append(error)
                return nil
            }
        }

        let name = field("name") { node throws(ManifestError) in StrategyName(try identifier(node, field: "name", pattern: .strategyName)) }
        let plugin = field("plugin") { node throws(ManifestError) in try identifier(node, field: "plugin", pattern: .moduleName) }
        let strategy = field("strategy") { node throws(ManifestError) in try identifier(node, field: "strategy", pattern: .moduleName) }
        let version = field("version") { node throws(ManifestError) in try semanticVersion(node) }
        let instruments = field("instruments") { node throws(ManifestError) in try instrumentList(node) }
        let channels = field("channels") { node throws(ManifestError) in try channelList(node) }
        let parameters = field("parameters") { node throws(ManifestError) in try parameterMap(node) } ?? (fields["parameters"] == nil ? .object([:]) : nil)
        let capital = field("allocated_capital") { node throws(ManifestError) in try decimal(node, field: "allocated_capital", positive: true) }
        var limits: [RiskLimitKey: FixedPoint]?
        if let node = fields["risk_limits"] {
            let (parsed, problems) = riskLimits(node)
            errors += problems
            limits = problems.isEmpty ? parsed : nil
        }
        let mode = field("mode") { node throws(ManifestError) in try modeValue(node) }
        var bars: BarSpecification?
        if let node = fields["bars"] {
            let (parsed, problems) = barSpecification(node)
            errors += problems
            bars = parsed
        }

        guard errors.isEmpty, let name, let plugin, let strategy, let version, let instruments, let channels,
              let parameters, let capital, let limits, let mode else {
            throw ManifestValidationFailure(source: source, errors: errors)
        }
        return StrategyManifest(name: name, plugin: plugin, strategy: strategy, version: version, instruments: instruments,
                                channels: channels, parameters: parameters, allocatedCapital: Money(capital),
                                riskLimits: limits, mode: mode, bars: bars)
    }

    // MARK: - Field readers

    private enum IdentifierPattern {
        /// Strategy names: lower-case letters, digits, `_` and `-`, starting with a letter, ≤ 64.
        case strategyName
        /// Swift module / type names.
        case moduleName
    }

    private static func string(_ node: Node, field: String) throws(ManifestError) -> String {
        guard YAMLParameterValue.isString(node), let text = node.string else {
            throw ManifestError(field: field, reason: "expected text, found \(describe(node))")
        }
        return text
    }

    /// The longest strategy name a manifest may have (strategies.name allows 100; a sweep's
    /// combination names are built to stay within this).
    public static let maximumNameLength = 64

    private static func identifier(_ node: Node, field: String, pattern: IdentifierPattern) throws(ManifestError) -> String {
        let text = try string(node, field: field)
        let bytes = Array(text.utf8)
        switch pattern {
        case .strategyName:
            let valid = !bytes.isEmpty && bytes.count <= maximumNameLength && (97...122).contains(bytes[0])
                && bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 || $0 == 45 }
            guard valid else {
                throw ManifestError(field: field, reason: "'\(text)' must be 1 to \(maximumNameLength) lower-case letters, digits, '_' or '-', starting with a letter")
            }
        case .moduleName:
            let valid = !bytes.isEmpty && bytes.count <= 128 && !(48...57).contains(bytes[0])
                && bytes.allSatisfy { (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == 95 }
            guard valid else {
                throw ManifestError(field: field, reason: "'\(text)' must be a Swift name (letters, digits and _, not starting with a digit)")
            }
        }
        return text
    }

    private static func semanticVersion(_ node: Node) throws(ManifestError) -> String {
        // `version: 1.0` is read by YAML as a number; ask for the full form instead of guessing.
        guard case .scalar(let scalar) = node else { throw ManifestError(field: "version", reason: "expected MAJOR.MINOR.PATCH, found \(describe(node))") }
        let text = scalar.string
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid = parts.count == 3 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 9 && part.utf8.allSatisfy { (48...57).contains($0) } && (part == "0" || part.first != "0")
        }
        guard valid else { throw ManifestError(field: "version", reason: "'\(text)' is not a semantic version MAJOR.MINOR.PATCH (e.g. 1.0.0)") }
        return text
    }

    private static func instrumentList(_ node: Node) throws(ManifestError) -> [InstrumentId] {
        guard case .sequence(let sequence) = node, sequence.count > 0 else {
            throw ManifestError(field: "instruments", reason: "expected a non-empty list of OKX instrument ids, found \(describe(node))")
        }
        var ids: [InstrumentId] = []
        for (index, element) in sequence.enumerated() {
            let field = "instruments[\(index)]"
            let text = try string(element, field: field)
            let id: InstrumentId
            do {
                id = try InstrumentId(parsing: text)
            } catch {
                throw ManifestError(field: field, reason: error.description)
            }
            guard !ids.contains(id) else { throw ManifestError(field: field, reason: "\(text) is listed twice") }
            ids.append(id)
        }
        return ids
    }

    private static func channelList(_ node: Node) throws(ManifestError) -> [StrategyChannel] {
        guard case .sequence(let sequence) = node, sequence.count > 0 else {
            throw ManifestError(field: "channels", reason: "expected a non-empty list of channels, found \(describe(node))")
        }
        var channels: [StrategyChannel] = []
        for (index, element) in sequence.enumerated() {
            let field = "channels[\(index)]"
            let text = try string(element, field: field)
            guard let channel = StrategyChannel(name: text) else {
                throw ManifestError(field: field, reason: "'\(text)' is not a channel (trades, tickers, books, books5, bbo-tbt, books-l2-tbt, books50-l2-tbt, candle1m, candle5m, candle1H, ...)")
            }
            guard !channels.contains(channel) else { throw ManifestError(field: field, reason: "\(text) is listed twice") }
            channels.append(channel)
        }
        return channels
    }

    private static func parameterMap(_ node: Node) throws(ManifestError) -> ParameterValue {
        let value = try YAMLParameterValue.convert(node, path: "parameters")
        switch value {
        case .object, .null: return value == .null ? .object([:]) : value
        default: throw ManifestError(field: "parameters", reason: "expected a map of parameter names to values, found \(value.kindDescription)")
        }
    }

    private static func decimal(_ node: Node, field: String, positive: Bool) throws(ManifestError) -> FixedPoint {
        guard case .scalar(let scalar) = node, YAMLParameterValue.isNumber(node) || YAMLParameterValue.isString(node) else {
            throw ManifestError(field: field, reason: "expected a decimal number, found \(describe(node))")
        }
        let value: FixedPoint
        do {
            value = try FixedPoint(parsing: scalar.string.replacingOccurrences(of: "_", with: ""))
        } catch {
            throw ManifestError(field: field, reason: "expected a decimal number: \(error.description)")
        }
        if value.isNegative { throw ManifestError(field: field, reason: "must not be negative, got \(value)") }
        if positive && value.isZero { throw ManifestError(field: field, reason: "must be positive") }
        return value
    }

    /// Every limit, and every problem with one (all are reported, not only the first).
    private static func riskLimits(_ node: Node) -> ([RiskLimitKey: FixedPoint], [ManifestError]) {
        guard case .mapping(let mapping) = node else {
            return ([:], [ManifestError(field: "risk_limits", reason: "expected a map of limits (max_position_size: ..., ...), found \(describe(node))")])
        }
        var limits: [RiskLimitKey: FixedPoint] = [:]
        var problems: [ManifestError] = []
        for (keyNode, valueNode) in mapping {
            let keyText = keyNode.string ?? "?"
            let field = "risk_limits.\(keyText)"
            guard let key = RiskLimitKey(rawValue: keyText) else {
                problems.append(ManifestError(field: field, reason: "unknown risk limit (known: \(RiskLimitKey.allCases.map(\.rawValue).sorted().joined(separator: ", ")))"))
                continue
            }
            do throws(ManifestError) {
                let value = try decimal(valueNode, field: field, positive: false)
                if key.isCount && !value.isMultiple(of: .one) {
                    throw ManifestError(field: field, reason: "must be a whole number, got \(value)")
                }
                if key.isPercentage && value > FixedPoint(100) {
                    throw ManifestError(field: field, reason: "is a percentage and must be at most 100, got \(value)")
                }
                if key == .maxLeverage && (value < .one || value > FixedPoint(125)) {
                    throw ManifestError(field: field, reason: "must be between 1 and 125 (OKX's maximum), got \(value)")
                }
                limits[key] = value
            } catch {
                problems.append(error)
            }
        }
        return (limits, problems)
    }

    /// The keys of `bars:`.
    public static let barKeys = ["interval", "source"]

    /// `bars: {interval: 1m, source: trades}` (`source` defaults to trades), and every problem
    /// with it. Whether the channels can feed it is ``ManifestValidator``'s check.
    private static func barSpecification(_ node: Node) -> (BarSpecification?, [ManifestError]) {
        guard case .mapping(let mapping) = node else {
            return (nil, [ManifestError(field: "bars", reason: "expected a map like {interval: 1m, source: trades}, found \(describe(node))")])
        }
        var problems: [ManifestError] = []
        var interval: BarInterval?
        var source = BarSource.trades
        var sawInterval = false
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? "?"
            switch key {
            case "interval":
                sawInterval = true
                // `interval: 60` reads as a number: say that it lacks a unit rather than that it is not text.
                guard case .scalar(let scalar) = valueNode else {
                    problems.append(ManifestError(field: "bars.interval", reason: "expected an interval like 1m, found \(describe(valueNode))"))
                    continue
                }
                do {
                    interval = try BarInterval(parsing: scalar.string)
                } catch {
                    problems.append(ManifestError(field: "bars.interval", reason: error.description))
                }
            case "source":
                do throws(ManifestError) {
                    let text = try string(valueNode, field: "bars.source")
                    guard let parsed = BarSource(rawValue: text) else {
                        throw ManifestError(field: "bars.source", reason: "'\(text)' is not a bar source (\(BarSource.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    source = parsed
                } catch {
                    problems.append(error)
                }
            default:
                problems.append(ManifestError(field: "bars.\(key)", reason: "unknown field (known: \(barKeys.joined(separator: ", ")))"))
            }
        }
        if !sawInterval {
            problems.append(ManifestError(field: "bars.interval", reason: "missing (required): the bar length, e.g. 1s, 5s, 1m, 5m, 1H"))
        }
        guard problems.isEmpty, let interval else { return (nil, problems) }
        return (BarSpecification(interval: interval, source: source), [])
    }

    private static func modeValue(_ node: Node) throws(ManifestError) -> ManifestMode {
        let text = try string(node, field: "mode")
        guard let mode = ManifestMode(rawValue: text) else {
            throw ManifestError(field: "mode", reason: "'\(text)' is not a mode (paper or live)")
        }
        return mode
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if YAMLParameterValue.isNumber(node) { return "the number \(scalar.string)" }
            if YAMLParameterValue.tagName(node) == "tag:yaml.org,2002:bool" { return "the boolean \(scalar.string)" }
            if YAMLParameterValue.tagName(node) == "tag:yaml.org,2002:null" { return "nothing (null)" }
            return "the text '\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a map"
        case .alias: return "an alias"
        }
    }
}
