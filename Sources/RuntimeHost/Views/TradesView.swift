import Foundation
import Storage
import StrategyKit
import TradingCore

/// `runtime trades`: orders and what became of them, newest first, each with its mode.
public struct TradesView: Sendable {
    /// What to show.
    public struct Filter: Sendable, Hashable {
        public var strategy: String?
        public var statuses: [OrderStatus]
        public var mode: TradingMode?
        public var from: Timestamp?
        public var to: Timestamp?
        public var limit: Int

        /// Creates a filter; the default shows the newest 50 orders of every strategy and mode.
        public init(strategy: String? = nil, statuses: [OrderStatus] = [], mode: TradingMode? = nil, from: Timestamp? = nil,
                    to: Timestamp? = nil, limit: Int = 50) {
            self.strategy = strategy; self.statuses = statuses; self.mode = mode; self.from = from; self.to = to; self.limit = limit
        }
    }

    /// One order with its strategy's name.
    public struct Row: Sendable, Hashable {
        public var strategy: String
        public var trade: TradeRecord
    }

    public var rows: [Row]

    /// Reads the trades matching `filter`; an unknown strategy name is refused.
    public static func read(_ session: any DatabaseSession, filter: Filter) async throws -> TradesView {
        let names = try await StrategyNames.read(session)
        let strategyId = try filter.strategy.map { name throws(ViewOptionError) in try names.id(named: name) }
        let trades = try await TradeRepository(session).recentTrades(statuses: filter.statuses, from: filter.from, to: filter.to,
                                                                    mode: filter.mode, strategyId: strategyId, limit: filter.limit)
        return TradesView(rows: trades.map { Row(strategy: names.name($0.strategyId), trade: $0) })
    }

    /// A JSON array of trades; amounts are decimal strings.
    public var json: ParameterValue {
        .array(rows.map { row -> ParameterValue in
            let trade = row.trade
            return .object([
                "strategy": .string(row.strategy), "mode": .string(trade.mode.rawValue),
                "client_order_id": .string(trade.clientOrderId.rawValue), "venue_order_id": ViewJSON.text(trade.venueOrderId?.rawValue),
                "instrument": .string(trade.instrument.symbol), "side": .string(trade.side.rawValue),
                "order_type": .string(trade.orderType.rawValue), "position_side": ViewJSON.text(trade.positionSide?.rawValue),
                "quantity": ViewJSON.amount(trade.quantity.value), "price": ViewJSON.amount(trade.price?.value),
                "avg_fill_price": ViewJSON.amount(trade.avgFillPrice?.value), "filled_quantity": ViewJSON.amount(trade.filledQuantity.value),
                "commission": ViewJSON.amount(trade.commission.value), "commission_asset": ViewJSON.text(trade.commissionAsset),
                "realized_pnl": ViewJSON.amount(trade.realizedPnl?.value), "slippage_bps": trade.slippageBps.map { ParameterValue.number(String($0)) } ?? .null,
                "status": .string(trade.status.rawValue), "reject_reason": ViewJSON.text(trade.rejectReason), "notes": ViewJSON.text(trade.notes),
                "created_at": ViewJSON.time(trade.createdAt), "completed_at": ViewJSON.time(trade.completedAt),
                "latency_ms": trade.latencyMs.map { ParameterValue.number(String($0)) } ?? .null,
            ])
        })
    }
}
