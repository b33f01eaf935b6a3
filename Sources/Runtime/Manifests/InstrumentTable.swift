import Foundation
import TradingCore
import Yams

/// A tolerant reader of `config/instruments.yaml` for the manifest tools (deploy, strategies).
///
/// Stopgap: the foundation work adds Runtime's `InstrumentTable` (strict, OKX field names, every
/// entry validated). Once both are merged, the CLI should load that catalog instead and pass
/// `{ catalog[$0] }` as the lookup; everything here takes a lookup closure for that reason.
public struct InstrumentTable: Sendable {
    /// The instruments by id.
    public private(set) var instruments: [InstrumentId: Instrument]

    /// A catalog of these instruments.
    public init(_ instruments: [Instrument]) {
        self.instruments = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The metadata of `id`, nil when the catalog does not list it.
    public func instrument(_ id: InstrumentId) -> Instrument? { instruments[id] }

    /// Why an instruments file could not be read.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        /// The file and entry involved, and what is wrong.
        public var description: String
    }

    /// Loads an instruments table. Accepted shapes: a list of entries, a map of entries keyed by
    /// instrument id, or either under a top-level `instruments:` key. An entry names its id
    /// (`inst_id`/`instId`/`id`, or the map key) and its `tick_size`/`tickSz`, `lot_size`/`lotSz`,
    /// `min_size`/`minSz`, and for derivatives `contract_value`/`ctVal` and
    /// `contract_currency`/`ctValCcy`.
    public static func load(yaml text: String, source: String = "instruments.yaml") throws(LoadError) -> InstrumentTable {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(description: "\(source): not valid YAML: \(error)")
        }
        guard var node = root else { throw LoadError(description: "\(source): empty") }
        if case .mapping(let mapping) = node, let nested = mapping["instruments"] { node = nested }
        var entries: [(key: String?, node: Node)] = []
        switch node {
        case .sequence(let sequence): entries = sequence.map { (nil, $0) }
        case .mapping(let mapping): entries = mapping.map { ($0.key.string, $0.value) }
        default: throw LoadError(description: "\(source): expected a list or map of instruments")
        }
        var instruments: [Instrument] = []
        for entry in entries {
            guard case .mapping(let fields) = entry.node else {
                throw LoadError(description: "\(source): entry \(entry.key ?? "?") is not a map")
            }
            func text(_ names: [String]) -> String? {
                for name in names { if let value = fields[name]?.string, !value.isEmpty { return value } }
                return nil
            }
            guard let idText = text(["inst_id", "instId", "id", "symbol"]) ?? entry.key else {
                throw LoadError(description: "\(source): an entry has no inst_id")
            }
            do {
                let id = try InstrumentId(parsing: idText)
                func decimal(_ names: [String]) throws -> FixedPoint? {
                    guard let value = text(names) else { return nil }
                    return try FixedPoint(parsing: value)
                }
                guard let tick = try decimal(["tick_size", "tickSz", "tick"]),
                      let lot = try decimal(["lot_size", "lotSz", "lot"]) else {
                    throw LoadError(description: "\(source): \(idText) needs tick_size and lot_size")
                }
                let minimum = try decimal(["min_size", "minSz", "min"]) ?? lot
                let contractValue = try decimal(["contract_value", "ctVal", "ct_val"])
                instruments.append(Instrument(id: id, tickSize: Price(tick), lotSize: Quantity(lot), minSize: Quantity(minimum),
                                              contractValue: contractValue.map(Quantity.init),
                                              contractCurrency: text(["contract_currency", "ctValCcy", "ct_val_ccy"])))
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError(description: "\(source): \(idText): \(error)")
            }
        }
        return InstrumentTable(instruments)
    }

    /// Loads the instruments table at `path`.
    public static func load(path: String) throws(LoadError) -> InstrumentTable {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        return try load(yaml: text, source: path)
    }
}
