/// JSON string literals for the JSON the runtime writes by hand (parameters, risk and audit
/// values, OKX requests, recordings): one escaper, so every writer agrees on what JSON requires.
public enum JSONString {
    /// Appends `text` as a JSON string literal, quotes included: `"`, `\` and control characters
    /// escaped, everything else as it is (JSON text is UTF-8).
    public static func append(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var output = ""
        append(text, to: &output)
        return output
    }
}
