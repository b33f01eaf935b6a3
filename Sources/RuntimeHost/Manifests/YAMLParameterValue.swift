import StrategyKit
import Yams

/// Converts YAML nodes into the SDK's neutral ``ParameterValue`` (the SDK has no YAML dependency).
enum YAMLParameterValue {
    private static let intTag = "tag:yaml.org,2002:int"
    private static let floatTag = "tag:yaml.org,2002:float"
    private static let boolTag = "tag:yaml.org,2002:bool"
    private static let nullTag = "tag:yaml.org,2002:null"

    /// The value of `node`; `path` names it in errors.
    static func convert(_ node: Node, path: String) throws(ManifestError) -> ParameterValue {
        switch node {
        case .scalar(let scalar):
            switch tagName(node) {
            case nullTag: return .null
            case boolTag:
                guard let flag = node.bool else { throw ManifestError(field: path, reason: "'\(scalar.string)' is not a boolean") }
                return .bool(flag)
            case intTag, floatTag:
                let text = scalar.string.replacingOccurrences(of: "_", with: "")
                guard Double(text)?.isFinite == true || Int(text) != nil else {
                    throw ManifestError(field: path, reason: "'\(scalar.string)' is not a finite number")
                }
                return .number(text)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var values: [ParameterValue] = []
            for (index, element) in sequence.enumerated() {
                values.append(try convert(element, path: "\(path)[\(index)]"))
            }
            return .array(values)
        case .mapping(let mapping):
            var members: [String: ParameterValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ManifestError(field: path, reason: "map keys must be plain names")
                }
                members[keyScalar.string] = try convert(value, path: "\(path).\(keyScalar.string)")
            }
            return .object(members)
        case .alias:
            throw ManifestError(field: path, reason: "YAML aliases are not supported in manifests")
        }
    }

    /// The YAML 1.2 core-schema type of a node: plain scalars are resolved from their text
    /// (`10` is an int, `"10"` stays a string).
    static func tagName(_ node: Node) -> String {
        Resolver.default.resolveTag(of: node).rawValue
    }

    /// Whether `node` is a plain scalar YAML resolved as a number.
    static func isNumber(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        let tag = tagName(node)
        return tag == intTag || tag == floatTag
    }

    /// Whether `node` is a scalar YAML resolved as a string.
    static func isString(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        let tag = tagName(node)
        return tag != intTag && tag != floatTag && tag != boolTag && tag != nullTag
    }
}
