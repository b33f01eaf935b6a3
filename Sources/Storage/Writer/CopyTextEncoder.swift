import NIOCore
import TradingCore

/// Writes rows in PostgreSQL's COPY text format (tab-separated columns, `\N` for NULL, backslash
/// escapes, one row per line) straight into a `ByteBuffer`.
///
/// postgres-nio 1.33 offers COPY in text format only, so the cost that is left to the client is
/// producing the text: this encoder does it without `String` temporaries (fixed-point values via
/// `FixedPoint.write(into:)`, timestamps as ISO text computed from integers, no Foundation).
struct CopyTextEncoder {
    private(set) var buffer: ByteBuffer
    private var columnsInRow = 0

    init(capacity: Int = 0) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Hands over the bytes written so far and starts an empty buffer.
    mutating func take(reservingCapacity capacity: Int = 0) -> ByteBuffer {
        defer { buffer = ByteBufferAllocator().buffer(capacity: capacity) }
        return buffer
    }

    var isEmpty: Bool { buffer.readableBytes == 0 }
    var byteCount: Int { buffer.readableBytes }

    /// Ends the current row.
    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        columnsInRow = 0
    }

    private mutating func separator() {
        if columnsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        columnsInRow += 1
    }

    mutating func null() {
        separator()
        buffer.writeStaticString("\\N")
    }

    /// Text, escaped where COPY needs it (backslash, tab, newline, carriage return).
    mutating func text(_ value: String) {
        separator()
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: Self.needsEscape) else { return false }
            buffer.writeBytes(bytes)
            return true
        }
        if plain == true { return }
        for byte in value.utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// A NUMERIC value as its canonical decimal text (never needs escaping).
    mutating func fixedPoint(_ value: FixedPoint) {
        separator()
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: FixedPoint.maximumTextLength) { raw in
            value.write(into: UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
        }
    }

    mutating func fixedPoint(_ value: FixedPoint?) {
        if let value { fixedPoint(value) } else { null() }
    }

    mutating func integer<Value: BinaryInteger>(_ value: Value) {
        separator()
        Self.writeDecimal(Int64(value), into: &buffer)
    }

    mutating func integer<Value: BinaryInteger>(_ value: Value?) {
        if let value { integer(value) } else { null() }
    }

    mutating func bool(_ value: Bool) {
        separator()
        buffer.writeInteger(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// A `timestamptz` as `YYYY-MM-DD HH:MM:SS.ffffff+00`, truncated to the microsecond like
    /// `SQLValues.micros` (PostgreSQL's own precision). ISO dates read the same under any DateStyle.
    mutating func timestamp(_ value: Timestamp) {
        separator()
        let micros = SQLValues.micros(value)
        let microsPerDay: Int64 = 86_400_000_000
        let day = micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
        let (year, month, dayOfMonth) = Timestamp.civilDate(daysSinceEpoch: day)
        let ofDay = micros - day * microsPerDay
        let seconds = ofDay / 1_000_000
        // The Timestamp range (1677...2262) always has four-digit years.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 29) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            func put(_ value: Int64, at offset: Int, width: Int) {
                var remaining = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                    remaining /= 10
                }
            }
            put(year, at: 0, width: 4); bytes[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2); bytes[7] = UInt8(ascii: "-")
            put(dayOfMonth, at: 8, width: 2); bytes[10] = UInt8(ascii: " ")
            put(seconds / 3_600, at: 11, width: 2); bytes[13] = UInt8(ascii: ":")
            put(seconds / 60 % 60, at: 14, width: 2); bytes[16] = UInt8(ascii: ":")
            put(seconds % 60, at: 17, width: 2); bytes[19] = UInt8(ascii: ".")
            put(ofDay % 1_000_000, at: 20, width: 6)
            bytes[26] = UInt8(ascii: "+"); bytes[27] = UInt8(ascii: "0"); bytes[28] = UInt8(ascii: "0")
            return 29
        }
    }

    mutating func timestamp(_ value: Timestamp?) {
        if let value { timestamp(value) } else { null() }
    }

    private static func writeDecimal(_ value: Int64, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 20) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var magnitude = value.magnitude
            var length = 0
            if value < 0 { bytes[0] = UInt8(ascii: "-"); length = 1 }
            var count = 1
            var probe = magnitude / 10
            while probe > 0 { count += 1; probe /= 10 }
            for index in stride(from: length + count - 1, through: length, by: -1) {
                bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            return length + count
        }
    }
}
