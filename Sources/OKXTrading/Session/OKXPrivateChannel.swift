/// A private channel subscription (`{"channel":..., "instType":...}`).
public struct OKXPrivateChannel: Sendable, Hashable {
    /// `channel`, e.g. `orders`.
    public var channel: String
    /// `instType`, e.g. `ANY`; nil for channels without one.
    public var instrumentType: String?

    public init(channel: String, instrumentType: String? = nil) {
        self.channel = channel
        self.instrumentType = instrumentType
    }

    /// What the venue needs: every order of every kind, positions, and balances with positions.
    public static let venueDefaults: [OKXPrivateChannel] = [
        OKXPrivateChannel(channel: "orders", instrumentType: "ANY"),
        OKXPrivateChannel(channel: "positions", instrumentType: "ANY"),
        OKXPrivateChannel(channel: "balance_and_position"),
    ]

    /// The subscribe request text for `channels`.
    public static func subscribeRequest(_ channels: [OKXPrivateChannel]) -> String {
        let arguments = channels.map { channel in
            var fields: [(String, OKXJSON.Value)] = [("channel", .string(channel.channel))]
            if let type = channel.instrumentType { fields.append(("instType", .string(type))) }
            return OKXJSON.object(fields)
        }
        return "{\"op\":\"subscribe\",\"args\":[\(arguments.joined(separator: ","))]}"
    }
}

extension OKXLoginArguments {
    /// The login request text (contains the passphrase and signature: never log it).
    public var requestText: String {
        let argument = OKXJSON.object([("apiKey", .string(apiKey)), ("passphrase", .string(passphrase)),
                                       ("timestamp", .string(timestamp)), ("sign", .string(sign))])
        return "{\"op\":\"login\",\"args\":[\(argument)]}"
    }
}
