/// The account settings the start-up check reads from `GET /api/v5/account/config`: they decide
/// how orders must be placed (`tdMode`, `posSide`), and a wrong guess is OKX's most reported
/// refusal (`51000 Parameter posSide error`).
public struct OKXAccountConfiguration: Sendable, Hashable {
    /// `acctLv`: `1` spot, `2` futures (spot and derivatives), `3` multi-currency margin, `4` portfolio margin.
    public var accountLevel: String
    /// `posMode`: `net_mode` or `long_short_mode`.
    public var positionMode: String

    public init(accountLevel: String, positionMode: String) {
        self.accountLevel = accountLevel
        self.positionMode = positionMode
    }

    /// How orders are placed on this account, or why the runtime cannot trade it (say what to change).
    public func orderDefaults() -> Result<OKXOrderDefaults, OKXAccountConfigurationError> {
        let longShort: Bool
        switch positionMode {
        case "net_mode": longShort = false
        case "long_short_mode": longShort = true
        default: return .failure(OKXAccountConfigurationError(reason: "position mode '\(positionMode)' is unknown; set net_mode or long_short_mode on OKX"))
        }
        switch accountLevel {
        case "1", "2":
            // Spot mode trades spot only (a derivative order is refused by OKX, 51010, not here).
            return .success(OKXOrderDefaults(spotTradeMode: "cash", derivativeTradeMode: "cross", longShortPositionMode: longShort))
        case "3", "4":
            // In multi-currency and portfolio margin, spot trades are margin trades: tdMode cross.
            return .success(OKXOrderDefaults(spotTradeMode: "cross", derivativeTradeMode: "cross", longShortPositionMode: longShort))
        default:
            return .failure(OKXAccountConfigurationError(reason: "account mode acctLv '\(accountLevel)' is unknown; choose spot, futures, multi-currency or portfolio margin mode on OKX"))
        }
    }
}

/// Why the account's configuration does not let the runtime trade.
public struct OKXAccountConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { "OKX account configuration: \(reason)" }
}
