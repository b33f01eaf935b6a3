import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

/// The binary column arrays the batching writers send, read back by a real server through
/// `unnest`: every kind of value, NULLs, text PostgreSQL's COPY would have had to escape, and
/// times before 1970 and before 2000 (PostgreSQL's own epoch).
@Suite(.watchdog) struct ColumnArraysTests {
    private static let columns = ColumnArrays.Columns([
        "id": .uuid, "name": .text, "amount": .numeric, "count": .int8, "flag": .bool, "at": .timestamptz, "tags": .jsonb,
    ])

    @Test func everyKindOfValueComesBackAsSent() async throws {
        let id = UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")!
        var arrays = ColumnArrays(Self.columns)
        arrays.uuid(id); arrays.text("a\\b\tc\nd\re ü"); arrays.fixedPoint(try FixedPoint(parsing: "-0.000000000001"))
        arrays.integer(Int64.min); arrays.bool(true); arrays.timestamp(Timestamp(nanosecondsSinceEpoch: -1))
        arrays.text("{\"k\": [1, 2]}"); arrays.endRow()
        arrays.uuid(id); arrays.text(nil as String?); arrays.fixedPoint(nil as FixedPoint?); arrays.integer(nil as Int32?)
        arrays.bool(false); arrays.timestamp(nil as Timestamp?); arrays.text("{}"); arrays.endRow()
        arrays.uuid(id); arrays.text(""); arrays.fixedPoint(try FixedPoint(parsing: "90123.45")); arrays.integer(Int32(-5))
        arrays.bool(false); arrays.timestamp(Timestamp(nanosecondsSinceEpoch: 951_782_400_123_456_789)); arrays.text("[]")
        arrays.endRow()
        #expect(arrays.rowCount == 3)

        let sent = arrays
        try await ScratchDatabase.with(migrated: false) { _, client in
            let query = sent.query("""
                SELECT id::text, name, amount::text, count, flag, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), tags::text
                FROM \(sent.unnest) AS row (\(Self.columns.list))
                """)
            var rows: [[String?]] = []
            for try await (id, name, amount, count, flag, at, tags) in try await client.query(query)
                .decode((String, String?, String?, Int64?, Bool, String?, String).self) {
                rows.append([id, name, amount, count.map(String.init), String(flag), at, tags])
            }
            let idText = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
            #expect(rows == [
                [idText, "a\\b\tc\nd\re ü", "-0.000000000001", "\(Int64.min)", "true", "1969-12-31 23:59:59.999999", "{\"k\": [1, 2]}"],
                [idText, nil, nil, nil, "false", nil, "{}"],
                [idText, "", "90123.45", "-5", "false", "2000-02-29 00:00:00.123456", "[]"],
            ])
        }
    }

    /// A statement with no rows still reads as an empty set (no array dimension is sent).
    @Test func noRowsIsAnEmptySet() async throws {
        let arrays = ColumnArrays(Self.columns)
        try await ScratchDatabase.with(migrated: false) { _, client in
            let query = arrays.query("SELECT count(*)::int8 FROM \(arrays.unnest)")
            var count: Int64 = -1
            for try await value in try await client.query(query).decode(Int64.self) { count = value }
            #expect(count == 0)
        }
    }
}
