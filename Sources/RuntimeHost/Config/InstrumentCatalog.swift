import Foundation
import TradingCore
import Yams

/// The trading rules of every instrument the runtime knows (tick, lot and minimum size, contract
/// value), loaded from `config/instruments.yaml`.
///
/// The file uses OKX's own field names (`instId`, `tickSz`, `lotSz`, `minSz`, `ctVal`,
/// `ctValCcy`) so entries can be copied from `GET /api/v5/public/instruments`. Decimal values are
/// read from the YAML text itself, never through a floating-point number, so `"0.00000001"` (or
/// an unquoted `0.00000001`) is exactly 10^-8. Loading refuses the whole file at the first bad
/// entry and says which instrument, which field and why.
public struct InstrumentCatalog: Sendable, Equatable {
    /// The instruments, in file order.
    public let instruments: [Instrument]
    private let byId: [InstrumentId: Instrument]

    /// The fields an entry may carry.
    public static let knownFields: Set<String> = ["instId", "tickSz", "lotSz", "minSz", "ctVal", "ctValCcy", "instType"]

    /// A catalog of already-validated instruments.
    /// - Throws: ``InstrumentCatalogError/duplicate(source:instrument:)`` when an id repeats, or
    ///   ``InstrumentCatalogError/invalidEntry(source:index:instrument:field:reason:)`` when one
    ///   fails ``Instrument/validationProblem()``.
    public init(instruments: [Instrument], source: String = "instrument list") throws(InstrumentCatalogError) {
        var byId: [InstrumentId: Instrument] = [:]
        for (index, instrument) in instruments.enumerated() {
            if let problem = instrument.validationProblem() {
                throw .invalidEntry(source: source, index: index, instrument: problem.instrument, field: problem.field, reason: problem.reason)
            }
            guard byId.updateValue(instrument, forKey: instrument.id) == nil else {
                throw .duplicate(source: source, instrument: instrument.id.symbol)
            }
        }
        self.instruments = instruments
        self.byId = byId
    }

    /// The instrument with this id, if the catalog has it.
    public subscript(id: InstrumentId) -> Instrument? { byId[id] }

    /// The instrument with this id.
    /// - Throws: ``InstrumentCatalogError/unknownInstrument(_:)`` naming it.
    public func instrument(_ id: InstrumentId) throws(InstrumentCatalogError) -> Instrument {
        guard let instrument = byId[id] else { throw .unknownInstrument(id.symbol) }
        return instrument
    }

    /// Loads the catalog from a YAML file.
    public static func load(contentsOf url: URL) throws(InstrumentCatalogError) -> InstrumentCatalog {
        let text: String
        do {
            text = try SafeYAML.text(ofFile: url.path)
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return try parse(yaml: text, source: url.path)
    }

    /// Parses the catalog from YAML text; `source` names it in errors (a path, usually).
    public static func parse(yaml: String, source: String = "instruments.yaml") throws(InstrumentCatalogError) -> InstrumentCatalog {
        let root: Node?
        do {
            root = try SafeYAML.compose(yaml)
        } catch {
            throw .invalidYAML(source: source, reason: error.description)
        }
        guard let mapping = root?.mapping, let list = mapping["instruments"] else {
            throw .invalidYAML(source: source, reason: "expected a top-level 'instruments:' list")
        }
        guard let entries = list.sequence else {
            throw .invalidYAML(source: source, reason: "'instruments' must be a list of entries (each starting with '- instId:')")
        }
        var instruments: [Instrument] = []
        for (index, entry) in entries.enumerated() {
            instruments.append(try parseEntry(entry, index: index, source: source))
        }
        return try InstrumentCatalog(instruments: instruments, source: source)
    }

    private static func parseEntry(_ node: Node, index: Int, source: String) throws(InstrumentCatalogError) -> Instrument {
        guard let entry = node.mapping else {
            throw .invalidEntry(source: source, index: index, instrument: nil, field: "entry", reason: "must be a mapping of OKX fields (instId, tickSz, ...)")
        }
        var fields: [String: String] = [:]
        var instrumentName: String? = entry["instId"]?.scalar?.string
        for (key, value) in entry {
            let name = key.scalar?.string ?? "\(key)"
            guard knownFields.contains(name) else {
                throw .invalidEntry(source: source, index: index, instrument: instrumentName, field: name,
                                    reason: "is not a known field (known: \(knownFields.sorted().joined(separator: ", ")))")
            }
            guard let scalar = value.scalar else {
                throw .invalidEntry(source: source, index: index, instrument: instrumentName, field: name, reason: "must be a single value")
            }
            fields[name] = scalar.string
        }
        func fail(_ field: String, _ reason: String) -> InstrumentCatalogError {
            .invalidEntry(source: source, index: index, instrument: instrumentName, field: field, reason: reason)
        }
        guard let idText = fields["instId"], !idText.isEmpty else { throw fail("instId", "is missing") }
        let id: InstrumentId
        do {
            id = try InstrumentId(parsing: idText)
        } catch {
            throw fail("instId", error.reason)
        }
        instrumentName = id.symbol
        if let type = fields["instType"], type != id.kind.rawValue {
            throw fail("instType", "'\(type)' contradicts the id, which names a \(id.kind.rawValue) instrument")
        }
        func decimal(_ field: String) throws(InstrumentCatalogError) -> FixedPoint? {
            guard let text = fields[field], !text.isEmpty else { return nil }
            let value: FixedPoint
            do {
                value = try FixedPoint(parsing: text)
            } catch {
                throw fail(field, "is not a decimal number: \(error)")
            }
            guard value.isPositive else { throw fail(field, "must be greater than zero, got '\(text)'") }
            return value
        }
        func required(_ field: String) throws(InstrumentCatalogError) -> FixedPoint {
            guard let value = try decimal(field) else { throw fail(field, "is missing") }
            return value
        }
        let tick = try required("tickSz")
        let lot = try required("lotSz")
        let minimum = try required("minSz")
        let contractValue = try decimal("ctVal")
        let contractCurrency = fields["ctValCcy"].flatMap { $0.isEmpty ? nil : $0 }
        let instrument = Instrument(id: id, tickSize: Price(tick), lotSize: Quantity(lot), minSize: Quantity(minimum),
                                    contractValue: contractValue.map { Quantity($0) }, contractCurrency: contractCurrency)
        if let problem = instrument.validationProblem() {
            throw fail(Self.okxFieldName(problem.field), problem.reason)
        }
        return instrument
    }

    /// The YAML field name of an ``Instrument`` property, for error messages.
    private static func okxFieldName(_ property: String) -> String {
        switch property {
        case "tickSize": "tickSz"
        case "lotSize": "lotSz"
        case "minSize": "minSz"
        case "contractValue": "ctVal"
        case "contractCurrency": "ctValCcy"
        default: property
        }
    }
}

/// Why the instrument catalog could not be loaded. Every case names the file; entry errors also
/// name the entry's position, its instrument and the field.
public enum InstrumentCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The text is not YAML of the expected shape.
    case invalidYAML(source: String, reason: String)
    /// One entry is wrong. `index` counts from 0; `instrument` is nil when the entry has no usable id.
    case invalidEntry(source: String, index: Int, instrument: String?, field: String, reason: String)
    /// The same instrument is listed twice.
    case duplicate(source: String, instrument: String)
    /// An instrument was asked for that the catalog does not have.
    case unknownInstrument(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read the instrument catalog \(path): \(reason)"
        case .invalidYAML(let source, let reason):
            "\(source): not a valid instrument catalog: \(reason)"
        case .invalidEntry(let source, let index, let instrument, let field, let reason):
            "\(source): instrument \(instrument ?? "#\(index + 1)") (entry \(index + 1)): \(field) \(reason)"
        case .duplicate(let source, let instrument):
            "\(source): instrument \(instrument) is listed more than once; keep one entry"
        case .unknownInstrument(let instrument):
            "instrument \(instrument) is not in the instrument catalog (config/instruments.yaml); add its tickSz, lotSz, minSz (and ctVal, ctValCcy for contracts)"
        }
    }
}
