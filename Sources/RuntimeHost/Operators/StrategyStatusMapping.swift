import Risk
import Storage

/// The meeting point of the database's strategies.status and Risk's trading state.
///
/// The database distinguishes `active` (live) from `paper_trading`; for the trading-state machine
/// both are `active`. `reducing_only` is Risk's `reducing`. Draft, validating, backtesting and
/// archived rows are not trading and operator commands do not apply to them.
public enum StrategyStatusMapping {
    /// The trading state a status stands for, or nil when it is not a trading status.
    public static func tradingState(_ status: StrategyStatus) -> StrategyTradingState? {
        switch status {
        case .active, .paperTrading: .active
        case .reducingOnly: .reducing
        case .halted: .halted
        case .paused: .paused
        case .stopped: .stopped
        case .draft, .validating, .backtesting, .archived: nil
        }
    }

    /// The status that stores `state` for a strategy deployed in `mode`.
    public static func status(_ state: StrategyTradingState, mode: ManifestMode) -> StrategyStatus {
        switch state {
        case .active: mode == .paper ? .paperTrading : .active
        case .reducing: .reducingOnly
        case .halted: .halted
        case .paused: .paused
        case .stopped: .stopped
        }
    }
}
