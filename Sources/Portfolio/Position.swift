import TradingCore

/// One position's accounting, as a pure value.
///
/// The holding is a signed size (`+` long, `−` short): base currency for spot, contracts for
/// swaps and futures (each worth ``contractValue`` base units). Rules:
/// - A fill in the holding's direction (or from flat) raises it; the average entry becomes the
///   size-weighted average of old entry and fill price, rounded to nearest at 12 decimals. A
///   fill from flat also marks the position at its price (the mark a flat position kept is stale).
/// - A fill against it closes `min(|held|, fill)` and realizes
///   `closed × contractValue × (fill price − average entry) × direction`; the average entry stays.
/// - A fill larger than the holding flips it: it first closes all of it as above, then opens the
///   rest at the fill price (new average entry = fill price, new opened time).
/// - Unrealized PnL = `held × contractValue × (mark − average entry)`, refreshed on every mark.
/// - Derivatives hold isolated margin `|held| × contractValue × average entry / leverage`, and an
///   estimated liquidation price where the position's margin plus its unrealized PnL equals the
///   maintenance margin `mmr × |held| × contractValue × price` (fees and tiers ignored):
///   long `entry × (1 − 1/leverage) / (1 − mmr)`, short `entry × (1 + 1/leverage) / (1 + mmr)`.
///   An unleveraged long (leverage 1) has none.
public struct Position: Hashable, Sendable {
    public let key: PositionKey
    /// Signed size: positive long, negative short.
    public private(set) var signedQuantity: FixedPoint
    public private(set) var averageEntryPrice: Price
    public private(set) var currentPrice: Price?
    public private(set) var unrealizedPnl: Money
    public private(set) var realizedPnl: Money
    /// Fees in the quote currency.
    public private(set) var fees: Money
    /// Base units per contract; nil for spot.
    public let contractValue: FixedPoint?
    public var leverage: FixedPoint
    /// The maintenance margin rate used for the liquidation estimate.
    public let maintenanceMarginRate: FixedPoint
    public private(set) var margin: Money?
    public private(set) var liquidationPrice: Price?
    public private(set) var openedAt: Timestamp?
    public private(set) var lastUpdated: Timestamp
    /// The last non-flat direction (`long` or `short`).
    public private(set) var direction: PositionSide

    /// A flat position.
    public init(key: PositionKey, contractValue: FixedPoint?, leverage: FixedPoint, maintenanceMarginRate: FixedPoint,
                at time: Timestamp) {
        self.key = key
        self.signedQuantity = .zero
        self.averageEntryPrice = .zero
        self.currentPrice = nil
        self.unrealizedPnl = .zero
        self.realizedPnl = .zero
        self.fees = .zero
        self.contractValue = contractValue
        self.leverage = leverage
        self.maintenanceMarginRate = maintenanceMarginRate
        self.margin = contractValue == nil ? nil : .zero
        self.liquidationPrice = nil
        self.openedAt = nil
        self.lastUpdated = time
        self.direction = key.positionSide == .short ? .short : .long
    }

    /// A position exactly as a persisted record describes it.
    public init(restoring record: PositionRecord, contractValue: FixedPoint?, maintenanceMarginRate: FixedPoint) {
        self.key = record.key
        self.signedQuantity = record.side == .short ? record.quantity.value.negated : record.quantity.value
        self.averageEntryPrice = record.avgEntryPrice
        self.currentPrice = record.currentPrice
        self.unrealizedPnl = record.unrealizedPnl
        self.realizedPnl = record.realizedPnl
        self.fees = record.fees
        self.contractValue = contractValue
        self.leverage = record.leverage
        self.maintenanceMarginRate = maintenanceMarginRate
        self.margin = record.margin
        self.liquidationPrice = record.liquidationPrice
        self.openedAt = record.openedAt
        self.lastUpdated = record.lastUpdated
        self.direction = record.side
    }

    public var isFlat: Bool { signedQuantity.isZero }

    /// Applies a fill that changes the holding by `delta` (signed, in holding units) at `price`
    /// and charges `feeInQuote`. Returns the realized PnL of the fill (before fees).
    public mutating func apply(delta: FixedPoint, price: Price, feeInQuote: Money, at time: Timestamp) throws(FixedPointArithmeticError) -> Money {
        fees += feeInQuote
        lastUpdated = time
        guard !delta.isZero else { return .zero }
        var realized = Money.zero
        let held = signedQuantity
        if held.isZero || held.isNegative == delta.isNegative {
            let oldSize = held.magnitude
            let addSize = delta.magnitude
            let cost = try averageEntryPrice.value.multiplied(by: oldSize) + price.value.multiplied(by: addSize)
            averageEntryPrice = Price(try cost.divided(by: oldSize + addSize, rounding: .toNearestOrAwayFromZero))
            if held.isZero {
                openedAt = time
                // A flat position is not marked, so its last mark may be long stale (a close at
                // 32,000 then a rebuy at 30,000): the fill is the latest price it has traded at.
                currentPrice = price
            }
            signedQuantity = held + delta
        } else {
            let closed = min(held.magnitude, delta.magnitude)
            let perUnit = held.isNegative ? averageEntryPrice.value - price.value : price.value - averageEntryPrice.value
            realized = Money(try perUnit.multiplied(by: baseUnits(closed)))
            signedQuantity = held + delta
            if !signedQuantity.isZero && signedQuantity.isNegative != held.isNegative {
                averageEntryPrice = price
                openedAt = time
            }
        }
        realizedPnl += realized
        if !signedQuantity.isZero { direction = signedQuantity.isNegative ? .short : .long }
        try refresh()
        return realized
    }

    /// Marks the position to `price`; returns whether anything changed. On a throw the
    /// position is left as it was.
    @discardableResult
    public mutating func mark(to price: Price, at time: Timestamp) throws(FixedPointArithmeticError) -> Bool {
        guard price != currentPrice else { return false }
        // Margin and the liquidation estimate follow size, entry and leverage, not the mark:
        // only the unrealized PnL moves, computed before anything changes.
        unrealizedPnl = try unrealizedPnl(at: price)
        currentPrice = price
        lastUpdated = time
        return true
    }

    private func unrealizedPnl(at price: Price?) throws(FixedPointArithmeticError) -> Money {
        guard let price, !signedQuantity.isZero else { return .zero }
        return Money(try (price.value - averageEntryPrice.value).multiplied(by: baseUnits(signedQuantity)))
    }

    private func baseUnits(_ size: FixedPoint) throws(FixedPointArithmeticError) -> FixedPoint {
        guard let contractValue else { return size }
        return try size.multiplied(by: contractValue)
    }

    /// Recomputes unrealized PnL, margin and the liquidation estimate from size, entry and mark.
    private mutating func refresh() throws(FixedPointArithmeticError) {
        unrealizedPnl = try unrealizedPnl(at: currentPrice)
        guard contractValue != nil else { return }
        let size = try baseUnits(signedQuantity.magnitude)
        guard !size.isZero, leverage.isPositive else {
            margin = .zero
            liquidationPrice = nil
            return
        }
        margin = Money(try size.multiplied(by: averageEntryPrice.value).divided(by: leverage, rounding: .toNearestOrAwayFromZero))
        let inverseLeverage = try FixedPoint.one.divided(by: leverage, rounding: .toNearestOrAwayFromZero)
        let entry = averageEntryPrice.value
        if signedQuantity.isNegative {
            liquidationPrice = Price(try entry.multiplied(by: .one + inverseLeverage)
                .divided(by: .one + maintenanceMarginRate, rounding: .toNearestOrAwayFromZero))
        } else if inverseLeverage < .one {
            liquidationPrice = Price(try entry.multiplied(by: .one - inverseLeverage)
                .divided(by: .one - maintenanceMarginRate, rounding: .toNearestOrAwayFromZero))
        } else {
            liquidationPrice = nil
        }
    }

    /// The position as a `positions` row.
    public func record(mode: TradingMode) -> PositionRecord {
        PositionRecord(strategy: key.strategy, symbol: key.instrument, positionSide: key.positionSide, side: direction,
                       quantity: Quantity(signedQuantity.magnitude), avgEntryPrice: averageEntryPrice,
                       currentPrice: currentPrice, unrealizedPnl: unrealizedPnl, realizedPnl: realizedPnl, fees: fees,
                       margin: margin, leverage: leverage, liquidationPrice: liquidationPrice, openedAt: openedAt,
                       lastUpdated: lastUpdated, mode: mode)
    }
}
