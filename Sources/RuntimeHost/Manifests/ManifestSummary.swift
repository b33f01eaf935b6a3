import StrategyKit
import TradingCore

/// One manifest file and what validating it found: what `runtime strategies` lists.
public struct ManifestSummary: Sendable {
    /// The file.
    public var source: String
    /// The manifest, when it parsed.
    public var manifest: StrategyManifest?
    /// The problems, empty when valid.
    public var errors: [ManifestError]

    /// Whether the manifest passed every check.
    public var isValid: Bool { manifest != nil && errors.isEmpty }

    /// Creates a summary.
    public init(source: String, manifest: StrategyManifest?, errors: [ManifestError]) {
        self.source = source
        self.manifest = manifest
        self.errors = errors
    }

    /// Validates every `*.yaml` manifest text given as (source, text) pairs, also refusing two
    /// manifests that use the same `name`.
    public static func validateAll(_ files: [(source: String, text: String)], validator: ManifestValidator) -> [ManifestSummary] {
        var summaries: [ManifestSummary] = []
        var sourceByName: [StrategyName: String] = [:]
        for file in files {
            do {
                let validated = try validator.validate(yaml: file.text, source: file.source)
                var errors: [ManifestError] = []
                if let other = sourceByName[validated.manifest.name] {
                    errors.append(ManifestError(field: "name", reason: "'\(validated.manifest.name)' is also the name in \(other)"))
                } else {
                    sourceByName[validated.manifest.name] = file.source
                }
                summaries.append(ManifestSummary(source: file.source, manifest: validated.manifest, errors: errors))
            } catch {
                let manifest = try? ManifestParser.parse(file.text, source: file.source)
                summaries.append(ManifestSummary(source: file.source, manifest: manifest, errors: error.errors))
            }
        }
        return summaries
    }

    /// The summary as JSON (for `--json`).
    public var json: ParameterValue {
        var members: [String: ParameterValue] = [
            "source": .string(source), "valid": .bool(isValid),
            "errors": .array(errors.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) }),
        ]
        if let manifest { members["manifest"] = manifest.json }
        return .object(members)
    }
}
