/// A strategy's trading state, as stored in `strategies.status`.
///
/// ```
///            risk/op          risk/op
///   active ──────────▶ reducing ──────▶ halted
///     │  ▲  ◀── op resume ──┘             │
///     │  └──────── op resume ─────────────┘
///     ├── op pause ──▶ paused ── op resume ──▶ active
///     └── op stop ───▶ stopped ── op resume ─▶ active
/// ```
/// The risk engine only ever tightens (toward reducing and halted); loosening (resume) is an
/// operator's decision, which is why a halted strategy stays halted across restarts.
public enum StrategyTradingState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Trading normally.
    case active
    /// Only orders that shrink an existing position pass.
    case reducing
    /// Stopped by a breach or an operator's halt; no orders pass until an operator resumes it.
    case halted
    /// Paused by an operator: no orders pass, market data still flows to the strategy.
    case paused
    /// Stopped by an operator: not trading on this deployment.
    case stopped

    /// Whether orders that add exposure may pass.
    @inlinable public var allowsNewExposure: Bool { self == .active }
    /// Whether orders that shrink exposure may pass.
    @inlinable public var allowsReducingOrders: Bool { self == .active || self == .reducing }

    /// The ordinal reported as metric value of a `strategy_state` rejection.
    public var ordinal: Int {
        switch self {
        case .active: 0
        case .reducing: 1
        case .halted: 2
        case .paused: 3
        case .stopped: 4
        }
    }
}

/// Who asks for a state change.
public enum TransitionAuthority: String, Sendable, Hashable, Codable {
    /// The risk engine's monitors (actor "risk-engine" in audit_logs).
    case riskEngine = "risk-engine"
    /// A human operator (trader or admin) through the CLI.
    case `operator`
}

/// Why a state change was refused.
public enum StrategyTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The state machine has no such edge for this authority.
    case notAllowed(from: StrategyTradingState, to: StrategyTradingState, by: TransitionAuthority)
    /// The strategy already is in that state.
    case alreadyInState(StrategyTradingState)
    /// The engine knows no strategy by this name.
    case unknownStrategy(String)

    public var description: String {
        switch self {
        case .notAllowed(let from, let to, let by):
            switch (from, to, by) {
            case (_, .active, .riskEngine):
                "the risk engine never resumes a strategy (\(from.rawValue) -> active); an operator must run `runtime resume`"
            default:
                "a strategy cannot go from \(from.rawValue) to \(to.rawValue) by \(by.rawValue)"
                    + (from == .halted ? "; a halted strategy can only be resumed or stopped by an operator" : "")
            }
        case .alreadyInState(let state): "the strategy is already \(state.rawValue)"
        case .unknownStrategy(let name): "no strategy named '\(name)' is registered with the risk engine"
        }
    }
}

extension StrategyTradingState {
    /// Whether `authority` may move a strategy from `self` to `target`.
    public func canTransition(to target: StrategyTradingState, by authority: TransitionAuthority) -> Bool {
        switch authority {
        case .riskEngine:
            switch (self, target) {
            case (.active, .reducing), (.active, .halted), (.reducing, .halted), (.paused, .halted): true
            default: false
            }
        case .operator:
            switch (self, target) {
            case (.active, .paused), (.active, .halted), (.active, .stopped): true
            case (.reducing, .active), (.reducing, .paused), (.reducing, .halted), (.reducing, .stopped): true
            case (.paused, .active), (.paused, .halted), (.paused, .stopped): true
            case (.halted, .active), (.halted, .stopped): true
            case (.stopped, .active): true
            default: false
            }
        }
    }

    /// The state after `authority` moves to `target`, or why it may not.
    public func transition(to target: StrategyTradingState,
                           by authority: TransitionAuthority) -> Result<StrategyTradingState, StrategyTransitionError> {
        if target == self { return .failure(.alreadyInState(self)) }
        return canTransition(to: target, by: authority) ? .success(target) : .failure(.notAllowed(from: self, to: target, by: authority))
    }
}
