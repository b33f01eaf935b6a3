import Execution
import Foundation
import MarketData
import PostgresNIO
import Storage
import TradingCore

/// What an exchange venue needs from the database to go on where the last run in its mode
/// stopped: the orders that had not ended (a crash may have left one in flight) and the positions
/// the portfolio restored. The venue reconciles both with the exchange before trading starts.
public struct VenueRestart: Sendable {
    /// Orders of the running strategies whose rows are not terminal, oldest first.
    public var openOrders: [Execution.TradeRecord]
    /// The portfolio's restored positions.
    public var positions: [PortfolioPositionRecord]
    /// The strategy part of the client order ids of every deployed strategy, running or not: an
    /// exchange's order or fill with one of them is the runtime's, not placed outside it.
    public var clientOrderIdPrefixes: Set<String>
}

/// Starts an exchange venue (demo, live) once the launch knows what to restore.
public typealias VenueStarter = (VenueRestart) async throws -> any ExecutionVenue

extension HostLauncher {
    /// The orders in `mode` of the running strategies whose rows say they may still trade.
    static func openOrders(client: PostgresClient, mode: TradingMode, names: [UUID: StrategyName]) async throws -> [Execution.TradeRecord] {
        try await TradeRepository(client).trades(statuses: [.pending, .submitted, .partiallyFilled], from: .zero,
                                                  to: WallClock.now().advanced(byNanoseconds: 86_400_000_000_000), mode: mode)
            .compactMap { row in
                guard let strategy = names[row.strategyId] else { return nil }
                return Execution.TradeRecord(
                    clientOrderId: row.clientOrderId, venueOrderId: row.venueOrderId, strategy: strategy, symbol: row.instrument,
                    side: row.side, orderType: row.orderType, positionSide: row.positionSide ?? .net, quantity: row.quantity,
                    price: row.price, avgFillPrice: row.avgFillPrice, filledQuantity: row.filledQuantity, commission: row.commission,
                    commissionAsset: row.commissionAsset, realizedPnl: row.realizedPnl ?? .zero, slippageBps: row.slippageBps,
                    status: row.status, rejectReason: row.rejectReason, createdAt: row.createdAt, submittedAt: row.submittedAt,
                    firstFillAt: row.firstFillAt, completedAt: row.completedAt, latencyMs: row.latencyMs,
                    totalLatencyMs: row.totalLatencyMs, mode: row.mode)
            }
    }
}
