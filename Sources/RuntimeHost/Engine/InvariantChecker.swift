import Execution
import Ledger
import Portfolio
import StrategyKit
import TradingCore

/// A fact two parts of the engine hold differently, found after one engine input.
public struct InvariantViolation: Hashable, Sendable, CustomStringConvertible {
    /// Which engine input it followed (1 = the first market event, start or stop).
    public var input: Int
    /// The invariant, e.g. `position = sum of fills`.
    public var invariant: String
    /// Whose values disagree, and the values.
    public var detail: String

    public var description: String { "after input \(input): \(invariant) does not hold: \(detail)" }
}

/// Checks, after each engine input, that everything the engine knows about positions, orders
/// and equity agrees: each strategy's view with the ledger, the ledger's open orders with the
/// venue's, the risk engine's pending exposure with the open orders, every position with the
/// fills in the trades rows, equity with its parts, and the last positions row with the
/// portfolio. On in tests and behind `runtime replay --check-invariants`; it costs a scan of every
/// strategy's instruments and orders per input, so it is off otherwise.
public final class InvariantChecker {
    /// Each order's last trades row seen, to recompute positions from fills independently. Kept
    /// after the order ends: the rows of one walk through the book all show the order as the walk
    /// left it, so a row after the terminal one must add nothing.
    private var lastTradeRows: [ClientOrderId: TradeRecord] = [:]
    /// Each (strategy, instrument)'s position recomputed from the trades rows, in order units.
    private var positionsFromFills: [PositionKey: FixedPoint] = [:]
    /// Each (strategy, instrument)'s realized PnL summed from the trades rows.
    private var realizedFromFills: [PositionKey: Money] = [:]
    /// The last positions row written for each position.
    private var lastPositionRows: [PositionKey: PositionRecord] = [:]

    /// The records the checker reads.
    public static let recordsRead: EngineRecord.Kinds = [.trading, .positionMarks]

    public init() {}

    /// Starts from the positions the engine restored (a restart): fills before it are not seen.
    func start(from portfolio: Portfolio) {
        for (key, position) in portfolio.positions {
            positionsFromFills[key] = position.signedQuantity
            realizedFromFills[key] = position.realizedPnl
            lastPositionRows[key] = position.record(mode: portfolio.mode)
        }
    }

    /// Takes in the records the engine wrote since the last call.
    func observe(_ records: ArraySlice<EngineRecord>) {
        for record in records {
            switch record {
            case .order(let trade):
                observe(trade: trade)
            case .fill(let trade, let position):
                observe(trade: trade)
                lastPositionRows[position.key] = position
            case .positionMark(let position):
                lastPositionRows[position.key] = position
            default:
                break
            }
        }
    }

    private func observe(trade: TradeRecord) {
        let key = PositionKey(strategy: trade.strategy, instrument: trade.symbol, positionSide: trade.positionSide)
        let previous = lastTradeRows[trade.clientOrderId]
        lastTradeRows[trade.clientOrderId] = trade
        let filled = trade.filledQuantity.value - (previous?.filledQuantity.value ?? .zero)
        // A spot fee charged in the base currency comes out of what a buy receives.
        let baseFee = trade.symbol.kind == .spot && trade.commissionAsset == trade.symbol.base
            ? trade.commission.value - (previous?.commission.value ?? .zero) : .zero
        let received = trade.side == .buy ? filled - baseFee : (filled + baseFee).negated
        if !received.isZero { positionsFromFills[key, default: .zero] += received }
        let realized = trade.realizedPnl - (previous?.realizedPnl ?? .zero)
        if !realized.value.isZero { realizedFromFills[key, default: .zero] += realized }
    }

    /// The first invariant that does not hold, nil when all do.
    func check(_ engine: TradingEngine, input: Int) -> InvariantViolation? {
        func violation(_ invariant: String, _ detail: String) -> InvariantViolation {
            InvariantViolation(input: input, invariant: invariant, detail: detail)
        }
        let venueOrders = Dictionary(engine.venue.openOrders.map { ($0.clientOrderId, $0) }, uniquingKeysWith: { first, _ in first })
        var ledgerOrderCount = 0
        for runner in engine.runners {
            let name = runner.name
            let context = runner.context
            let orders = engine.ledger.openOrders(of: name)
            ledgerOrderCount += orders.count
            if context.openOrders != orders {
                return violation("strategy view of open orders = ledger",
                                 "\(name): context \(context.openOrders.map(\.clientOrderId)) vs ledger \(orders.map(\.clientOrderId))")
            }
            for order in orders {
                guard let venueOrder = venueOrders[order.clientOrderId] else {
                    return violation("ledger open orders = venue open orders", "\(order.clientOrderId) is open in the ledger, not at the venue")
                }
                if venueOrder.filledQuantity != order.filledQuantity {
                    return violation("ledger filled size = venue filled size",
                                     "\(order.clientOrderId): ledger \(order.filledQuantity) vs venue \(venueOrder.filledQuantity)")
                }
                if !engine.ledger.hasAmendInFlight(order.clientOrderId, of: name),
                   venueOrder.quantity != order.request.quantity || venueOrder.price != order.request.price {
                    return violation("ledger order = venue order",
                                     "\(order.clientOrderId): ledger \(order.request.quantity) @ \(order.request.price.map(\.description) ?? "market") vs venue \(venueOrder.quantity) @ \(venueOrder.price.map(\.description) ?? "market")")
                }
            }
            for instrument in context.instrumentIds {
                let key = PositionKey(strategy: name, instrument: instrument, positionSide: .net)
                let held = engine.portfolio.position(key)
                let view = context.position(instrument)
                if view.netQuantity != (held?.signedQuantity ?? .zero) || view.realizedPnL != (held?.realizedPnl ?? .zero) {
                    return violation("strategy view of position = portfolio",
                                     "\(key): context \(view.netQuantity) realized \(view.realizedPnL) vs portfolio \(held?.signedQuantity ?? .zero) realized \(held?.realizedPnl ?? .zero)")
                }
                let fromFills = positionsFromFills[key] ?? .zero
                if (held?.signedQuantity ?? .zero) != fromFills {
                    return violation("position = sum of fills", "\(key): portfolio \(held?.signedQuantity ?? .zero) vs fills \(fromFills)")
                }
                let realized = realizedFromFills[key] ?? .zero
                if (held?.realizedPnl ?? .zero) != realized {
                    return violation("realized PnL = sum over trades rows", "\(key): portfolio \(held?.realizedPnl ?? .zero) vs trades \(realized)")
                }
                if let exposure = engine.risk.exposure(of: name, instrument: instrument) {
                    var up = FixedPoint.zero
                    var down = FixedPoint.zero
                    for order in orders where order.instrument == instrument && order.request.positionSide == .net {
                        let rest = order.request.quantity.subtractingClamped(order.filledQuantity).value
                        if order.side == .buy { up += rest } else { down += rest }
                    }
                    if exposure.net.position != (held?.signedQuantity ?? .zero) {
                        return violation("risk position = portfolio", "\(key): risk \(exposure.net.position) vs portfolio \(held?.signedQuantity ?? .zero)")
                    }
                    if !engine.ledger.openOrders(of: name).contains(where: { engine.ledger.hasAmendInFlight($0.clientOrderId, of: name) }),
                       exposure.net.pendingUp != up || exposure.net.pendingDown != down {
                        return violation("risk pending = open orders' rest",
                                         "\(key): risk up \(exposure.net.pendingUp) down \(exposure.net.pendingDown) vs orders up \(up) down \(down)")
                    }
                }
                if let held {
                    if let failure = Self.unrealizedMismatch(held) { return violation("unrealized = (mark - entry) x size", "\(key): \(failure)") }
                    if let row = lastPositionRows[key], Self.differsBeyondMarks(row, held.record(mode: engine.options.mode)) {
                        return violation("last positions row = portfolio",
                                         "\(key): row \(row.side.rawValue) \(row.quantity) @ \(row.avgEntryPrice) realized \(row.realizedPnl) vs portfolio \(held.signedQuantity) @ \(held.averageEntryPrice) realized \(held.realizedPnl)")
                    }
                }
            }
            var parts = engine.portfolio.allocatedCapital(of: name)
            for instrument in context.instrumentIds {
                for side in PositionSide.allCases {
                    guard let position = engine.portfolio.position(PositionKey(strategy: name, instrument: instrument, positionSide: side)) else { continue }
                    parts += position.realizedPnl + position.unrealizedPnl - position.fees
                }
            }
            let equity = engine.portfolio.equity(of: name)
            if equity != parts {
                return violation("equity = capital + realized + unrealized - fees", "\(name): equity \(equity) vs parts \(parts)")
            }
        }
        if venueOrders.count != ledgerOrderCount {
            let known = Set(engine.runners.flatMap { engine.ledger.openOrders(of: $0.name).map(\.clientOrderId) })
            let missing = venueOrders.keys.filter { !known.contains($0) }.map(\.rawValue).sorted()
            return violation("venue open orders = ledger open orders", "open at the venue, not in the ledger: \(missing)")
        }
        return nil
    }

    private static func unrealizedMismatch(_ position: Position) -> String? {
        guard let mark = position.currentPrice, !position.isFlat else {
            return position.unrealizedPnl.value.isZero ? nil : "flat or unmarked but unrealized \(position.unrealizedPnl)"
        }
        var size = position.signedQuantity
        if let contractValue = position.contractValue { size = (try? size.multiplied(by: contractValue)) ?? size }
        guard let expected = try? (mark.value - position.averageEntryPrice.value).multiplied(by: size) else { return nil }
        return expected == position.unrealizedPnl.value ? nil : "unrealized \(position.unrealizedPnl) vs \(expected) at mark \(mark)"
    }

    /// Whether a positions row differs from the portfolio in more than what marks change
    /// (marks are written at an interval, so the price, unrealized PnL and time may lag).
    private static func differsBeyondMarks(_ row: PositionRecord, _ current: PositionRecord) -> Bool {
        row.quantity != current.quantity || row.side != current.side || row.avgEntryPrice != current.avgEntryPrice
            || row.realizedPnl != current.realizedPnl || row.fees != current.fees
    }
}
