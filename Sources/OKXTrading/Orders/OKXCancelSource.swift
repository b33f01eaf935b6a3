/// Why OKX canceled an order (`cancelSource`), for the order's row and the outcome summary.
public struct OKXCancelSource: Sendable, Hashable, CustomStringConvertible {
    /// OKX's code, e.g. `31`.
    public var code: String

    public init(code: String) { self.code = code }

    /// Whether the cancel was the user's own request (`1`).
    public var isUserRequest: Bool { code == "1" }

    public var description: String {
        let meaning: String = switch code {
        case "0": "system"
        case "1": "canceled by the user"
        case "3": "risk control (pre-reduce-only)"
        case "6": "ADL"
        case "9": "insufficient balance after funding"
        case "13": "FOK not fully filled"
        case "14": "IOC rest"
        case "15": "price beyond the price limit"
        case "20": "cancel-all-after (dead-man switch) fired"
        case "31": "post-only would have taken liquidity"
        case "32": "self-trade prevention"
        case "39": "market-maker protection"
        default: "unlisted cancelSource"
        }
        return "canceled by OKX: cancelSource \(code) (\(meaning))"
    }
}
