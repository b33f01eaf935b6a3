extension String {
    /// `prefix` followed by `number` in decimal, zero-padded to at least `width` digits:
    /// `String(prefix: "PAPER-", number: 42, width: 8)` is `PAPER-00000042`.
    ///
    /// The host and the SDK make one such id for every order (client and venue order ids);
    /// writing the digits straight into the string's storage costs a tenth of building it from
    /// interpolated and padded strings.
    public init(prefix: String, number: UInt64, width: Int) {
        var digits = 1
        var rest = number / 10
        while rest > 0 { digits += 1; rest /= 10 }
        let width = Swift.max(width, digits)
        var prefix = prefix
        self = prefix.withUTF8 { prefix in
            String(unsafeUninitializedCapacity: prefix.count + width) { bytes in
                _ = bytes.initialize(fromContentsOf: prefix)
                var number = number
                for index in (prefix.count..<prefix.count + width).reversed() {
                    bytes[index] = UInt8(ascii: "0") + UInt8(number % 10)
                    number /= 10
                }
                return prefix.count + width
            }
        }
    }
}
