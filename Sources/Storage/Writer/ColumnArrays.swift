import Foundation
import NIOCore
import PostgresNIO
import TradingCore

/// Rows sent as one statement: each column is one binary PostgreSQL array, bound as a parameter
/// of `unnest(...)`, so `INSERT ... SELECT * FROM unnest($1, $2, ...)` stores every row at once.
///
/// Why not COPY: postgres-nio 1.33's COPY ends the process (`preconditionFailure`) when the
/// server closes the connection mid-COPY (a restart), because every later call on the copy
/// writer, even the one that reports the failure, finds the connection's state machine closed.
/// A parameterized statement fails like any query instead, and measured as fast as COPY: times,
/// integers, booleans and UUIDs arrive as fixed-width values, and only numbers and text are sent
/// as text (numbers are cast to `numeric` in the statement).
///
/// Values are appended row by row in column order, as the statement lists the columns; every
/// row must give every column.
struct ColumnArrays: Sendable {
    /// How a column's values are sent, and the SQL array type `unnest` reads them as.
    enum Kind {
        case text, numeric, jsonb, int8, bool, timestamptz, uuid

        /// The element type of the array on the wire.
        fileprivate var elementType: PostgresDataType {
            switch self {
            case .text, .numeric, .jsonb: .text
            case .int8: .int8
            case .bool: .bool
            case .timestamptz: .timestamptz
            case .uuid: .uuid
            }
        }

        fileprivate var arrayType: PostgresDataType {
            switch self {
            case .text, .numeric, .jsonb: .textArray
            case .int8: .int8Array
            case .bool: .boolArray
            case .timestamptz: .timestamptzArray
            case .uuid: .uuidArray
            }
        }

        fileprivate var sqlArrayType: String {
            switch self {
            case .text: "text[]"
            case .numeric: "numeric[]"
            case .jsonb: "jsonb[]"
            case .int8: "int8[]"
            case .bool: "bool[]"
            case .timestamptz: "timestamptz[]"
            case .uuid: "uuid[]"
            }
        }
    }

    /// Column names, each with how its values are sent, in the order rows give them.
    struct Columns: Sendable {
        let names: [String]
        let kinds: [Kind]

        init(_ columns: KeyValuePairs<String, Kind>) {
            names = columns.map(\.key)
            kinds = columns.map(\.value)
        }

        /// The names as a SQL column list.
        var list: String { names.joined(separator: ", ") }
    }

    private let columns: Columns
    private var kinds: [Kind] { columns.kinds }
    /// Each column's encoded elements.
    private var buffers: [ByteBuffer]
    private var hasNull: [Bool]
    private var column = 0
    private(set) var rowCount = 0

    init(_ columns: Columns, bytesPerRow: Int = 0, rows: Int = 0) {
        self.columns = columns
        let kinds = columns.kinds
        let allocator = ByteBufferAllocator()
        let perColumn = kinds.isEmpty ? 0 : bytesPerRow * rows / kinds.count
        buffers = kinds.map { _ in allocator.buffer(capacity: perColumn) }
        hasNull = kinds.map { _ in false }
    }

    var isEmpty: Bool { rowCount == 0 }

    /// `unnest($1::type[], ...)`, the rows as a set (one parameter per column).
    var unnest: String {
        let arguments = kinds.enumerated().map { index, kind in "$\(index + 1)::\(kind.sqlArrayType)" }
        return "unnest(\(arguments.joined(separator: ", ")))"
    }

    /// The column arrays, in order, as the parameters of ``unnest``.
    private func bindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: kinds.count)
        for index in kinds.indices {
            bindings.append(BinaryArray(type: kinds[index].arrayType, elementType: kinds[index].elementType,
                                        count: rowCount, hasNull: hasNull[index], elements: buffers[index]))
        }
        return bindings
    }

    /// A statement of `sql` with ``bindings()``; `sql` reads the rows with ``unnest``.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings())
    }

    /// `INSERT INTO table (columns) SELECT * FROM unnest(...)`, followed by `clause` (an
    /// `ON CONFLICT ...`, say): every row at once.
    func insert(into table: String, _ clause: String = "") -> PostgresQuery {
        query("INSERT INTO \(table) (\(columns.list)) SELECT * FROM \(unnest) \(clause)")
    }

    /// Ends the current row.
    mutating func endRow() {
        precondition(column == kinds.count, "a row gave \(column) of \(kinds.count) columns")
        column = 0
        rowCount += 1
    }

    /// The next column's buffer, checked against the kind the value is sent as.
    private mutating func next(_ accepts: (Kind) -> Bool, _ write: (inout ByteBuffer) -> Void) {
        precondition(column < kinds.count && accepts(kinds[column]), "column \(column) is not of this value's kind")
        write(&buffers[column])
        column += 1
    }

    mutating func null() {
        precondition(column < kinds.count, "a row gave more than \(kinds.count) columns")
        buffers[column].writeInteger(Int32(-1))
        hasNull[column] = true
        column += 1
    }

    mutating func text(_ value: String) {
        next({ $0 == .text || $0 == .jsonb }) { buffer in
            buffer.writeInteger(Int32(value.utf8.count))
            buffer.writeString(value)
        }
    }

    mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    /// A number as its canonical decimal text, which the statement casts to `numeric`.
    mutating func fixedPoint(_ value: FixedPoint) {
        next({ $0 == .numeric }) { buffer in
            let lengthAt = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            let length = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: FixedPoint.maximumTextLength) { raw in
                value.write(into: UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            }
            buffer.setInteger(Int32(length), at: lengthAt)
        }
    }

    mutating func fixedPoint(_ value: FixedPoint?) {
        if let value { fixedPoint(value) } else { null() }
    }

    mutating func integer<Value: BinaryInteger>(_ value: Value) {
        next({ $0 == .int8 }) { buffer in
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(Int64(value))
        }
    }

    mutating func integer<Value: BinaryInteger>(_ value: Value?) {
        if let value { integer(value) } else { null() }
    }

    mutating func bool(_ value: Bool) {
        next({ $0 == .bool }) { buffer in
            buffer.writeInteger(Int32(1))
            buffer.writeInteger(value ? UInt8(1) : UInt8(0))
        }
    }

    /// PostgreSQL keeps microseconds since 2000-01-01 UTC; finer digits are dropped (floor), as
    /// ``SQLValues/micros(_:)`` does for every other statement.
    mutating func timestamp(_ value: Timestamp) {
        next({ $0 == .timestamptz }) { buffer in
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(SQLValues.micros(value) &- Self.postgresEpochMicros)
        }
    }

    mutating func timestamp(_ value: Timestamp?) {
        if let value { timestamp(value) } else { null() }
    }

    mutating func uuid(_ value: UUID) {
        next({ $0 == .uuid }) { buffer in
            buffer.writeInteger(Int32(16))
            withUnsafeBytes(of: value.uuid) { buffer.writeBytes($0) }
        }
    }

    /// 2000-01-01T00:00:00Z in microseconds since 1970.
    static let postgresEpochMicros: Int64 = 946_684_800_000_000
}

/// A one-dimensional array in PostgreSQL's binary format, its elements already encoded.
private struct BinaryArray: PostgresDynamicTypeEncodable {
    let type: PostgresDataType
    let elementType: PostgresDataType
    let count: Int
    let hasNull: Bool
    let elements: ByteBuffer

    var psqlType: PostgresDataType { type }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        guard count > 0 else {
            byteBuffer.writeMultipleIntegers(Int32(0), Int32(0), elementType.rawValue)
            return
        }
        byteBuffer.writeMultipleIntegers(Int32(1), Int32(hasNull ? 1 : 0), elementType.rawValue, Int32(count), Int32(1))
        byteBuffer.writeImmutableBuffer(elements)
    }
}
