import Execution
import Risk
import RuntimeHost
import StrategyKit
import TradingCore

/// What happened to the strategy's orders and state, collected from the two places the engine
/// reports it: its outbox (order rows, fills, risk outputs, as the host would persist them) and
/// the runner's order notices (what the strategy was told, including refusals that leave no row).
final class TesterJournal {
    private(set) var ordersById: [ClientOrderId: TestOrder] = [:]
    private(set) var fills: [Fill] = []
    private(set) var rejections: [TestRejection] = []
    private(set) var stateChanges: [TestStateChange] = []
    private(set) var riskEvents: [RiskEvent] = []

    /// Every order, in the order the strategy submitted them: the context numbers client order
    /// ids with a fixed-width counter after one prefix, so the ids sort in submission order.
    var orders: [TestOrder] {
        ordersById.values.sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }
    }

    /// Takes what the engine's outbox held.
    func collect(_ records: [EngineRecord]) {
        for record in records {
            switch record {
            case .order(let row), .fill(let row, _):
                ordersById[row.clientOrderId] = TestOrder(record: row)
            case .risk(let output):
                if case .transition(let transition) = output { stateChanges.append(TestStateChange(transition)) }
                if let event = output.riskEvent { riskEvents.append(event) }
            case .positionMark, .equity, .performance, .tick, .candle, .qualityMetric:
                break
            }
        }
    }

    /// Takes one order notice the strategy is about to receive.
    func observe(_ notice: OrderNotice, at time: Timestamp) {
        switch notice {
        case .filled(let fill):
            fills.append(fill)
        case .rejected(let rejection):
            rejections.append(TestRejection(rejection, at: time))
            // A submit the venue rejected has its own order row; any other refused submit (the
            // risk engine's, or a venue that would not take it) never reaches the order rows.
            if case .submit(let request) = rejection.command, rejection.code != "venue_rejected" {
                ordersById[request.clientOrderId] = TestOrder(refused: request, reason: rejection.reason, at: time)
            }
        case .accepted, .canceled:
            break
        }
    }
}
