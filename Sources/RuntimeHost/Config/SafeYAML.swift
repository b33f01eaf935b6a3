import Foundation
import Yams

/// YAML written by operators (strategy manifests, config/runtime.yaml, config/instruments.yaml),
/// parsed within limits so that a hostile or broken file is refused with its reason before any
/// other work, instead of exhausting memory, time or the stack:
/// - at most 1 MiB of text, checked before parsing;
/// - at most 64 levels of nesting (libyaml itself stops at 1,000, so parsing stays bounded);
/// - no anchors or aliases (`&a`, `*a`): they are how a few lines expand into billions of nodes,
///   and no runtime file needs them;
/// - no custom tags (`!x`), and no key twice in one mapping, whatever tags tell them apart, so
///   that what a reader sees is what the runtime reads.
public enum SafeYAML {
    /// The largest document read, in bytes.
    public static let maximumBytes = 1 << 20
    /// The deepest nesting of mappings and sequences read (the document's root is level 1).
    public static let maximumDepth = 64

    /// Why a document was refused: the field (dotted path, `(document)` for the whole) and why.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var description: String { field == "(document)" ? reason : "\(field): \(reason)" }
    }

    /// The UTF-8 text of a YAML file, refused without reading past the limit when it is larger.
    public static func text(ofFile path: String) throws(Refusal) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Refusal(field: "(document)", reason: "cannot read \(path)")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maximumBytes + 1) ?? Data() } catch {
            throw Refusal(field: "(document)", reason: "cannot read \(path): \(error.localizedDescription)")
        }
        guard data.count <= maximumBytes else {
            throw Refusal(field: "(document)", reason: "\(path) is larger than \(maximumBytes) bytes (1 MiB), the most a YAML file may hold")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Refusal(field: "(document)", reason: "\(path) is not UTF-8 text")
        }
        return text
    }

    /// The document's root node (nil for an empty document), or the first limit it breaks.
    public static func compose(_ text: String) throws(Refusal) -> Node? {
        let bytes = text.utf8.count
        guard bytes <= maximumBytes else {
            throw Refusal(field: "(document)", reason: "the document is \(bytes) bytes; at most \(maximumBytes) bytes (1 MiB) are read")
        }
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text)
            root = try parser.singleRoot()
        } catch let YamlError.duplicatedKeysInMapping(duplicates, _) {
            throw Refusal(field: duplicates.sorted().joined(separator: ", "), reason: "appears more than once")
        } catch {
            throw Refusal(field: "(document)", reason: "not valid YAML: \(error)")
        }
        guard let root else { return nil }
        // Anchors are held weakly by nodes and strongly by the parser: check while it lives.
        try withExtendedLifetime(parser) { () throws(Refusal) in try check(root, depth: 1, path: "") }
        return root
    }

    private static func check(_ node: Node, depth: Int, path: String) throws(Refusal) {
        let field = path.isEmpty ? "(document)" : path
        guard depth <= maximumDepth else {
            throw Refusal(field: field, reason: "nested more than \(maximumDepth) levels deep")
        }
        guard node.anchor == nil else {
            throw Refusal(field: field, reason: "YAML anchors and aliases (&name, *name) are not accepted; write the value out")
        }
        let tag = node.tag.description
        guard !tag.hasPrefix("!") else {
            throw Refusal(field: field, reason: "the custom tag '\(tag)' is not accepted; remove it")
        }
        switch node {
        case .scalar:
            return
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                try check(element, depth: depth + 1, path: "\(path)[\(index)]")
            }
        case .mapping(let mapping):
            func keyPath(_ key: Node) -> String {
                let name = key.string ?? "(key)"
                return path.isEmpty ? name : "\(path).\(name)"
            }
            // Keys first: a duplicate is the finding, whatever tag or value it carries.
            var seen: Set<String> = []
            for key in mapping.keys where !seen.insert(key.string ?? "(key)").inserted {
                throw Refusal(field: keyPath(key), reason: "appears more than once")
            }
            for (key, value) in mapping {
                try check(key, depth: depth + 1, path: keyPath(key))
                try check(value, depth: depth + 1, path: keyPath(key))
            }
        case .alias:
            throw Refusal(field: field, reason: "YAML anchors and aliases (&name, *name) are not accepted; write the value out")
        }
    }
}
