import TradingCore

/// Turns the `Double` a test wrote (`0.01`, `100.5`, `1e-5`) into the exact decimal it spelled:
/// Swift prints a `Double` as the shortest text that reads back to it, which for any literal of up
/// to 15 significant digits is the literal itself. So `0.1` becomes exactly 0.1, never
/// 0.1000000000000000055.
enum DecimalLiteral {
    /// The plain decimal text of `value` (no exponent); nil for NaN and infinities.
    static func text(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let printed = "\(value)"
        guard let e = printed.firstIndex(where: { $0 == "e" || $0 == "E" }),
              let exponent = Int(printed[printed.index(after: e)...]) else { return trimmed(printed) }
        var mantissa = String(printed[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        // The decimal point sits after `point` digits of `digits`.
        var point = whole.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        let integer = digits.prefix(point)
        let decimals = digits.dropFirst(point)
        return trimmed((negative ? "-" : "") + integer + (decimals.isEmpty ? "" : "." + decimals))
    }

    /// The exact fixed-point value of `value`; nil when it is not finite or has more than 12 decimals.
    static func fixedPoint(_ value: Double) -> FixedPoint? {
        text(value).flatMap { FixedPoint($0) }
    }

    /// Drops a trailing `.0` (`2.0` reads as the integer 2 in a manifest).
    private static func trimmed(_ text: String) -> String {
        text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
