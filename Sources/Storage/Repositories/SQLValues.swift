import Foundation
import TradingCore

/// Exact conversions between the runtime's values and PostgreSQL's.
///
/// NUMERIC travels as decimal text both ways (`$n::numeric` when writing, `column::text` when
/// reading) and is parsed by `FixedPoint`, so no value passes through a binary float. Timestamps
/// travel as integer microseconds since the epoch (PostgreSQL's own precision; nanoseconds below
/// a microsecond are dropped, OKX sends milliseconds).
enum SQLValues {
    /// The largest magnitude a NUMERIC(38,12) column holds, as FixedPoint's raw (scaled) value.
    static let numericLimit: Int128 = {
        var value: Int128 = 1
        for _ in 0..<38 { value *= 10 }
        return value
    }()

    static func micros(_ timestamp: Timestamp) -> Int64 {
        let nanos = timestamp.nanosecondsSinceEpoch
        // Floor, also for times before 1970.
        return nanos >= 0 ? nanos / 1_000 : (nanos - 999) / 1_000
    }

    static func timestamp(micros: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: micros &* 1_000) }

    static func fixedPoint(_ text: String, table: String, column: String) throws(StorageError) -> FixedPoint {
        do { return try FixedPoint(parsing: text) } catch {
            throw .decoding(table: table, column: column, value: text, reason: "\(error)")
        }
    }

    static func optionalFixedPoint(_ text: String?, table: String, column: String) throws(StorageError) -> FixedPoint? {
        guard let text else { return nil }
        return try fixedPoint(text, table: table, column: column)
    }

    static func enumValue<Value: RawRepresentable>(_ text: String, table: String, column: String) throws(StorageError) -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            throw .decoding(table: table, column: column, value: text, reason: "not a known \(Value.self)")
        }
        return value
    }

    /// SQL for a timestamptz parameter given in microseconds: `\(micros) * INTERVAL '1 microsecond'`.
    static let epoch = "TIMESTAMPTZ 'epoch'"
}

/// Pre-validation helpers: each names the table, field and reason, as the database would refuse.
struct RowCheck {
    let table: String

    func fail(_ field: String, _ reason: String) -> StorageError { .invalidRow(table: table, field: field, reason: reason) }

    func fits(_ value: FixedPoint?, _ field: String) throws(StorageError) {
        guard let value else { return }
        if value.raw >= SQLValues.numericLimit || value.raw <= -SQLValues.numericLimit {
            throw fail(field, "is \(value), beyond the 26 integer digits NUMERIC(38,12) holds")
        }
    }

    func positive(_ value: FixedPoint?, _ field: String) throws(StorageError) {
        try fits(value, field)
        if let value, !value.isPositive { throw fail(field, "must be > 0, got \(value)") }
    }

    func nonNegative(_ value: FixedPoint?, _ field: String) throws(StorageError) {
        try fits(value, field)
        if let value, value.isNegative { throw fail(field, "must be >= 0, got \(value)") }
    }

    func nonNegative(_ value: Int?, _ field: String) throws(StorageError) {
        if let value, value < 0 { throw fail(field, "must be >= 0, got \(value)") }
    }

    func length(_ value: String?, _ field: String, max: Int, allowEmpty: Bool = false) throws(StorageError) {
        guard let value else { return }
        if !allowEmpty && value.isEmpty { throw fail(field, "must not be empty") }
        if value.count > max { throw fail(field, "is \(value.count) characters, more than the \(max) allowed") }
    }

    func jsonObject(_ text: String?, _ field: String) throws(StorageError) {
        guard let text else { return }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            throw fail(field, "is not valid JSON")
        }
        if !(parsed is [String: Any]) { throw fail(field, "must be a JSON object") }
    }

    func json(_ text: String?, _ field: String) throws(StorageError) {
        guard let text else { return }
        if (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) == nil {
            throw fail(field, "is not valid JSON")
        }
    }
}
