import Foundation
import Storage
import StrategyKit
import TradingCore

/// `runtime positions`: each strategy's holdings, each with its mode.
public struct PositionsView: Sendable {
    /// One position with its strategy's name.
    public struct Row: Sendable, Hashable {
        public var strategy: String
        public var position: PositionRecord
    }

    public var rows: [Row]

    /// Reads positions, optionally of one strategy and/or mode; flat ones only with `includeFlat`.
    public static func read(_ session: any DatabaseSession, strategy: String? = nil, mode: TradingMode? = nil,
                            includeFlat: Bool = false) async throws -> PositionsView {
        let names = try await StrategyNames.read(session)
        let strategyId = try strategy.map { name throws(ViewOptionError) in try names.id(named: name) }
        let positions = try await PositionRepository(session).positions(strategyId: strategyId, mode: mode)
            .filter { includeFlat || $0.quantity.value.isPositive }
        return PositionsView(rows: positions.map { Row(strategy: names.name($0.strategyId), position: $0) }
            .sorted { ($0.strategy, $0.position.instrument.symbol, $0.position.mode.rawValue) < ($1.strategy, $1.position.instrument.symbol, $1.position.mode.rawValue) })
    }

    /// A JSON array of positions; amounts are decimal strings.
    public var json: ParameterValue {
        .array(rows.map { row in
            var object = Self.fields(row.position)
            object["strategy"] = .string(row.strategy)
            return .object(object)
        })
    }

    /// One position as JSON (without its strategy's name).
    static func json(_ position: PositionRecord) -> ParameterValue { .object(fields(position)) }

    static func fields(_ position: PositionRecord) -> [String: ParameterValue] {
        [
            "mode": .string(position.mode.rawValue), "instrument": .string(position.instrument.symbol),
            "side": .string(position.side.rawValue), "quantity": ViewJSON.amount(position.quantity.value),
            "avg_entry_price": ViewJSON.amount(position.avgEntryPrice.value), "current_price": ViewJSON.amount(position.currentPrice?.value),
            "unrealized_pnl": ViewJSON.amount(position.unrealizedPnl.value), "realized_pnl": ViewJSON.amount(position.realizedPnl.value),
            "margin": ViewJSON.amount(position.margin?.value), "leverage": ViewJSON.amount(position.leverage),
            "liquidation_price": ViewJSON.amount(position.liquidationPrice?.value),
            "opened_at": ViewJSON.time(position.openedAt), "last_updated": ViewJSON.time(position.lastUpdated),
        ]
    }
}
