import Ledger
import TradingCore

/// Counts identical outcomes (same strategy, instrument and check) so that the first one is
/// reported and the rest become one summary per window.
struct RejectionCounter {
    var windowStart: Int64 = .min
    var suppressed = 0
    var lastBreach = RiskBreach(check: .invalidOrder, metricValue: .zero, thresholdValue: .zero)
    var lastSymbol: String?
    var lastWasTrim = false

    var isOpen: Bool { windowStart != .min }
}

/// Everything the engine keeps about one registered strategy. A class so the engine mutates
/// it in place through its array without copying the nested arrays.
final class StrategyBook {
    let name: StrategyName
    /// Where the strategy's positions and open orders are read.
    let ledgerHandle: TradingLedger.Handle
    let limits: RiskLimits
    let actions: RiskActions
    var state: StrategyTradingState
    var slots: [InstrumentSlot]
    var rate: OrderRateWindow
    var monitors: MonitorState
    /// (slots + 1) × RiskCheck count; the last row is for instruments outside the manifest.
    var counters: [RejectionCounter]

    // Limits pre-resolved to raw values, so the check reads plain fields.
    /// The leverage cap: the manifest's `max_leverage`, or 1 (cash: no more than the capital
    /// bought) for a strategy that trades only spot and sets none.
    let maxLeverage: FixedPoint?
    let maxGrossForLeverage: FixedPoint?
    let bandPct: FixedPoint

    init(name: StrategyName, ledgerHandle: TradingLedger.Handle, instruments: [Instrument], limits: RiskLimits,
         accountActions: RiskActions, snapshot: StrategyRiskSnapshot) {
        self.name = name
        self.ledgerHandle = ledgerHandle
        self.limits = limits
        self.actions = limits.actions.merged(over: accountActions)
        self.state = snapshot.state
        self.monitors = snapshot.monitors
        self.slots = instruments.map(InstrumentSlot.init)
        self.rate = OrderRateWindow(capacity: limits.maxOrdersPerMinute)
        self.counters = Array(repeating: RejectionCounter(), count: (instruments.count + 1) * RiskCheck.allCases.count)
        let spotOnly = !instruments.isEmpty && instruments.allSatisfy { $0.id.kind == .spot }
        maxLeverage = limits.maxLeverage ?? (spotOnly ? .one : nil)
        if let leverage = maxLeverage, let capital = limits.allocatedCapital {
            maxGrossForLeverage = (try? leverage.multiplied(by: capital.value)) ?? .zero
        } else {
            maxGrossForLeverage = nil
        }
        bandPct = limits.priceBandPct
    }

    @inline(__always) func slotIndex(of instrument: InstrumentId) -> Int? {
        var index = 0
        while index < slots.count {
            if slots[index].instrument.id == instrument { return index }
            index += 1
        }
        return nil
    }

    @inline(__always) func counterIndex(slot: Int?, check: RiskCheck) -> Int {
        (slot ?? slots.count) * RiskCheck.allCases.count + Int(check.rawValue)
    }

    func action(for check: RiskCheck) -> BreachAction {
        switch check {
        case .orderQuantity: actions.maxOrderQuantity ?? .reject
        case .orderNotional: actions.maxOrderNotional ?? .reject
        case .positionSize: actions.maxPositionSize ?? .reject
        case .leverage: actions.maxLeverage ?? .reject
        case .accountGrossNotional: actions.maxGrossNotional ?? .reject
        default: .reject
        }
    }
}
