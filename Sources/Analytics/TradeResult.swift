import TradingCore

/// One order that ended with some size filled, as the statistics and the trades list read it.
public struct TradeResult: Hashable, Sendable {
    /// The strategy's name.
    public var strategy: String
    /// The instrument, e.g. `BTC-USDT`.
    public var symbol: String
    public var side: Side
    /// When the order ended (event time).
    public var completedAt: Timestamp
    /// The filled size (base currency for spot, contracts otherwise).
    public var quantity: Quantity
    /// The size-weighted average fill price.
    public var averagePrice: Price
    /// Fees in the quote currency (positive when charged).
    public var fee: Money
    /// Realized trading PnL before fees (zero for an order that only opened or added).
    public var realizedPnl: Money
    /// How the venue priced it (`book`, `trades`, `candles`), when known.
    public var fillModel: String?

    /// A trade as the report lists it.
    public init(strategy: String, symbol: String, side: Side, completedAt: Timestamp, quantity: Quantity, averagePrice: Price,
                fee: Money, realizedPnl: Money, fillModel: String? = nil) {
        self.strategy = strategy
        self.symbol = symbol
        self.side = side
        self.completedAt = completedAt
        self.quantity = quantity
        self.averagePrice = averagePrice
        self.fee = fee
        self.realizedPnl = realizedPnl
        self.fillModel = fillModel
    }

    /// Realized PnL net of the fee: what decides whether a closing trade won or lost.
    public var netPnl: Money { realizedPnl - fee }

    /// Whether the trade closed (some of) a position: it realized something. Opening trades
    /// realize exactly zero and are neither wins nor losses (their fee is judged with the close).
    public var isClosing: Bool { !realizedPnl.value.isZero }
}
