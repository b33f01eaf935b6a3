import TradingCore

/// One execution as OKX reports it (an `orders` push with a `tradeId`, or a row of `GET /trade/fills`).
///
/// Fee sign: OKX reports `fillFee` negative when the platform charges a fee and positive for a
/// rebate. Our ``Fill/fee`` is positive when charged, so ``fee`` here is already `-fillFee`.
public struct OKXFillDetail: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// Unique per instrument: the deduplication key with ``instrument``.
    public var tradeId: TradeId
    /// `ordId`: the order the fill belongs to.
    public var venueOrderId: VenueOrderId
    /// `clOrdId`; nil when OKX leaves it empty.
    public var clientOrderId: ClientOrderId?
    /// `fillPx`.
    public var price: Price
    /// `fillSz`: base units for spot, contracts for derivatives.
    public var quantity: Quantity
    /// Positive when charged, negative for a rebate (`-fillFee`).
    public var fee: Money
    /// `fillFeeCcy`: the fee currency, or the rebate currency when OKX pays one; nil when OKX left it empty.
    public var feeCurrency: String?
    /// `execType`; nil when OKX leaves it empty.
    public var liquidity: Liquidity?
    /// `fillTime` (REST: `fillTime`, else `ts`).
    public var time: Timestamp

    public init(instrument: InstrumentId, tradeId: TradeId, venueOrderId: VenueOrderId, clientOrderId: ClientOrderId?,
                price: Price, quantity: Quantity, fee: Money, feeCurrency: String?, liquidity: Liquidity?, time: Timestamp) {
        self.instrument = instrument
        self.tradeId = tradeId
        self.venueOrderId = venueOrderId
        self.clientOrderId = clientOrderId
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.feeCurrency = feeCurrency
        self.liquidity = liquidity
        self.time = time
    }

    /// The deduplication key: OKX sends a fill once per `(instId, tradeId)`, but may repeat a push.
    public var key: OKXFillKey { OKXFillKey(instrument: instrument, tradeId: tradeId) }
}

/// `(instId, tradeId)`: identifies one fill.
public struct OKXFillKey: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// `tradeId`.
    public var tradeId: TradeId
}

extension Liquidity {
    /// OKX's `execType`: `T` taker, `M` maker; anything else (empty on a push without a fill) is nil.
    init?(okxExecType: String?) {
        switch okxExecType {
        case "T": self = .taker
        case "M": self = .maker
        default: return nil
        }
    }
}
