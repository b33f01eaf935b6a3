import Foundation
import Yams

/// Why a configuration file could not be used; each case names the file and, where it can,
/// the field path, so an operator knows what to fix.
public enum ConfigurationError: Error, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case malformedYAML(path: String, reason: String)
    case invalidField(path: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedYAML(let path, let reason): "\(path) is not valid YAML: \(reason)"
        case .invalidField(let path, let field, let reason): "\(path): field '\(field)': \(reason)"
        }
    }
}

/// `config/runtime.yaml`: one section per module, each decoded into that module's own
/// configuration type on demand, so this file knows no module's fields.
public struct RuntimeConfiguration {
    /// The file it was read from, for error messages.
    public let path: String
    private let sections: [String: Node]

    /// Reads and parses the file.
    public init(contentsOf path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try SafeYAML.text(ofFile: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        try self.init(yaml: text, path: path)
    }

    /// Parses YAML text (`path` is only used in messages).
    public init(yaml text: String, path: String) throws(ConfigurationError) {
        self.path = path
        let root: Node?
        do {
            root = try SafeYAML.compose(text)
        } catch {
            throw .malformedYAML(path: path, reason: error.description)
        }
        var sections: [String: Node] = [:]
        if let mapping = root?.mapping {
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                sections[name] = value
            }
        }
        self.sections = sections
    }

    /// Whether the file has a section with this name.
    public func hasSection(_ name: String) -> Bool { sections[name] != nil }

    /// Decodes section `name` into `T`; a missing or empty section decodes from an empty mapping,
    /// so every field falls back to its documented default.
    public func section<T: Decodable>(_ name: String, as type: T.Type = T.self) throws(ConfigurationError) -> T {
        let node = sections[name].flatMap { $0.mapping == nil && $0.scalar?.string == "" ? nil : $0 } ?? Node([(Node, Node)]())
        do {
            return try YAMLDecoder().decode(T.self, from: node)
        } catch let error as DecodingError {
            let (field, reason) = DecodingErrorDescription.describe(error)
            throw .invalidField(path: path, field: field.isEmpty ? name : "\(name).\(field)", reason: reason)
        } catch {
            throw .invalidField(path: path, field: name, reason: String(describing: error))
        }
    }
}

/// Turns a `DecodingError` into (dotted field path, reason) for messages that name the field.
public enum DecodingErrorDescription {
    public static func describe(_ error: DecodingError) -> (field: String, reason: String) {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return (parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)", "is required but missing")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected a \(type) value but found null")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", String(describing: error))
        }
    }
}
