import TradingCore

/// The part of a `trades` row the daily rollup needs: one order that ended with some size
/// filled. Build it from the venue's trade record (or a row read back from the table).
public struct ClosedTrade: Hashable, Sendable {
    public var strategy: StrategyName
    public var symbol: InstrumentId
    public var completedAt: Timestamp
    public var filledQuantity: Quantity
    public var avgFillPrice: Price
    /// Fees in ``commissionAsset`` (positive when charged).
    public var commission: Money
    public var commissionAsset: String
    /// Realized trading PnL before fees, in the quote currency.
    public var realizedPnl: Money
    /// Base units per contract for swaps and futures; nil for spot.
    public var contractValue: FixedPoint?

    public init(strategy: StrategyName, symbol: InstrumentId, completedAt: Timestamp, filledQuantity: Quantity,
                avgFillPrice: Price, commission: Money, commissionAsset: String, realizedPnl: Money,
                contractValue: FixedPoint?) {
        self.strategy = strategy
        self.symbol = symbol
        self.completedAt = completedAt
        self.filledQuantity = filledQuantity
        self.avgFillPrice = avgFillPrice
        self.commission = commission
        self.commissionAsset = commissionAsset
        self.realizedPnl = realizedPnl
        self.contractValue = contractValue
    }

    /// The commission in the quote currency: a base-currency fee (spot buy) valued at the
    /// average fill price, rounded to nearest at 12 decimals.
    public var commissionInQuote: Money {
        guard commissionAsset == symbol.base, commissionAsset != symbol.quote else { return commission }
        return Money((try? commission.value.multiplied(by: avgFillPrice.value, rounding: .toNearestOrAwayFromZero)) ?? commission.value)
    }

    /// Realized PnL net of fees: ``realizedPnl`` − ``commissionInQuote``. This is what decides
    /// whether a closing trade won or lost: a spread capture that realizes less than it paid
    /// in fees lost money.
    public var netRealizedPnl: Money { realizedPnl - commissionInQuote }

    /// The traded value in the quote currency: `filled × contract value × average price`.
    public var volumeInQuote: Money {
        var size = filledQuantity.value
        if let contractValue { size = (try? size.multiplied(by: contractValue)) ?? size }
        return Money((try? size.multiplied(by: avgFillPrice.value)) ?? .zero)
    }
}
