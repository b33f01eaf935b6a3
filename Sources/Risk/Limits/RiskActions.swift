/// What the engine does when an order breaches a cap that can be satisfied by a smaller order.
public enum BreachAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Refuse the whole order.
    case reject
    /// Shrink the order to the largest quantity that fits (on the lot grid, at least the
    /// instrument's minimum size); refuse it if nothing fits.
    case trim
}

/// The configured action per trimmable check. Checks that a smaller order cannot satisfy
/// (price band, rate, state, data quality...) always reject. A field left out falls back to
/// the account default (config/runtime.yaml `risk.actions`), and from there to `reject`.
public struct RiskActions: Sendable, Hashable, Decodable {
    /// Action for `max_order_quantity`.
    public var maxOrderQuantity: BreachAction?
    /// Action for `max_order_notional`.
    public var maxOrderNotional: BreachAction?
    /// Action for `max_position_size`.
    public var maxPositionSize: BreachAction?
    /// Action for `max_leverage`.
    public var maxLeverage: BreachAction?
    /// Action for the account's `max_gross_notional`.
    public var maxGrossNotional: BreachAction?

    /// The YAML/JSON keys, equal to the limit names they govern.
    public static let fieldNames = ["max_order_quantity", "max_order_notional", "max_position_size", "max_leverage",
                                    "max_gross_notional"]

    /// Creates a set of actions; nil fields fall back to the defaults.
    public init(maxOrderQuantity: BreachAction? = nil, maxOrderNotional: BreachAction? = nil,
                maxPositionSize: BreachAction? = nil, maxLeverage: BreachAction? = nil,
                maxGrossNotional: BreachAction? = nil) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOrderNotional = maxOrderNotional
        self.maxPositionSize = maxPositionSize
        self.maxLeverage = maxLeverage
        self.maxGrossNotional = maxGrossNotional
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !Self.fieldNames.contains(key.stringValue) {
            throw RiskLimitsError.unknownField(field: "actions.\(key.stringValue)", known: Self.fieldNames)
        }
        func action(_ name: String) throws -> BreachAction? {
            let key = AnyCodingKey(name)
            guard container.contains(key) else { return nil }
            let text = try container.decode(String.self, forKey: key)
            guard let action = BreachAction(rawValue: text) else {
                throw RiskLimitsError.invalidValue(field: "actions.\(name)", value: text, reason: "it must be 'reject' or 'trim'")
            }
            return action
        }
        maxOrderQuantity = try action("max_order_quantity")
        maxOrderNotional = try action("max_order_notional")
        maxPositionSize = try action("max_position_size")
        maxLeverage = try action("max_leverage")
        maxGrossNotional = try action("max_gross_notional")
    }

    /// These actions, with every field left out taken from `defaults`.
    public func merged(over defaults: RiskActions) -> RiskActions {
        RiskActions(maxOrderQuantity: maxOrderQuantity ?? defaults.maxOrderQuantity,
                    maxOrderNotional: maxOrderNotional ?? defaults.maxOrderNotional,
                    maxPositionSize: maxPositionSize ?? defaults.maxPositionSize,
                    maxLeverage: maxLeverage ?? defaults.maxLeverage,
                    maxGrossNotional: maxGrossNotional ?? defaults.maxGrossNotional)
    }
}
