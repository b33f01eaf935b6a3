import Execution
import StrategyKit
import TradingCore

/// One order the strategy submitted, as it stands now: the host's order row for an order that
/// passed risk (sent, working, filled, canceled or refused by the venue), or the refused request
/// for one the risk engine stopped (status `rejected`, ``rejectReason`` naming the check).
public struct TestOrder: Hashable, Sendable, CustomStringConvertible {
    /// The client order id the strategy's context gave it.
    public var id: ClientOrderId
    /// The instrument.
    public var instrument: InstrumentId
    /// Buy or sell.
    public var side: Side
    /// Market, limit, post-only, IOC or FOK.
    public var type: OrderType
    /// The size sent (after a risk trim) or, for a refused request, the size asked for.
    public var quantity: Quantity
    /// The limit price; nil for market orders.
    public var price: Price?
    /// Where the order is in its life (`rejected` for one refused by risk or the venue).
    public var status: OrderStatus
    /// How much filled.
    public var filledQuantity: Quantity
    /// The size-weighted average fill price; nil before a fill.
    public var averageFillPrice: Price?
    /// Fees charged, in ``feeCurrency`` (a spot buy pays in the base currency).
    public var fee: Money
    /// The currency of ``fee``; nil before a fill.
    public var feeCurrency: String?
    /// Trading PnL this order's fills realized, before fees, in the quote currency.
    public var realizedPnL: Money
    /// Why it was refused, or why the venue canceled it (an IOC's rest, a post-only that would cross).
    public var rejectReason: String?
    /// When the strategy decided (event time).
    public var createdAt: Timestamp
    /// When it ended; nil while it works.
    public var completedAt: Timestamp?
    /// Whether the risk engine refused it (it never reached the venue).
    public var refusedByRisk: Bool

    /// Whether the whole size filled.
    public var isFilled: Bool { status == .filled }

    /// `buy 0.01 BTC-USDT market: filled 0.01 @ 100.1`.
    public var description: String {
        var text = "\(side.rawValue) \(quantity) \(instrument) \(price.map { "limit \($0) (\(type.rawValue))" } ?? type.rawValue): \(status.rawValue)"
        if !filledQuantity.isZero { text += " \(filledQuantity)" + (averageFillPrice.map { " @ \($0)" } ?? "") }
        if let rejectReason { text += " (\(rejectReason))" }
        return text
    }

    init(record: TradeRecord) {
        self.id = record.clientOrderId
        self.instrument = record.symbol
        self.side = record.side
        self.type = record.orderType
        self.quantity = record.quantity
        self.price = record.price
        self.status = record.status
        self.filledQuantity = record.filledQuantity
        self.averageFillPrice = record.avgFillPrice
        self.fee = record.commission
        self.feeCurrency = record.commissionAsset
        self.realizedPnL = record.realizedPnl
        self.rejectReason = record.rejectReason
        self.createdAt = record.createdAt
        self.completedAt = record.completedAt
        self.refusedByRisk = false
    }

    init(refused request: OrderRequest, reason: String, at time: Timestamp) {
        self.id = request.clientOrderId
        self.instrument = request.instrument
        self.side = request.side
        self.type = request.type
        self.quantity = request.quantity
        self.price = request.price
        self.status = .rejected
        self.filledQuantity = .zero
        self.averageFillPrice = nil
        self.fee = .zero
        self.feeCurrency = nil
        self.realizedPnL = .zero
        self.rejectReason = reason
        self.createdAt = request.createdAt
        self.completedAt = time
        self.refusedByRisk = true
    }
}
