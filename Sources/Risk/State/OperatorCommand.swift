/// The operator a command or kill-switch change is recorded under. Who may do what is decided
/// before a command reaches the engine (the database's `runtime_authorize`, migration 013): the
/// engine keeps no role rules of its own, only the name for its audit and risk-event text.
public struct OperatorIdentity: Sendable, Hashable, Codable {
    /// The user name (users.username).
    public var user: String

    /// An operator already authorized for what they ask.
    public init(user: String) {
        self.user = user
    }
}

/// What an operator can ask of one strategy (`runtime pause|resume|stop|halt NAME`).
public enum OperatorCommand: String, Sendable, Hashable, CaseIterable, Codable {
    case pause
    case resume
    case stop
    case halt

    /// The state the command leads to.
    public var targetState: StrategyTradingState {
        switch self {
        case .pause: .paused
        case .resume: .active
        case .stop: .stopped
        case .halt: .halted
        }
    }

    /// The audit_logs `action` for this command.
    public var auditAction: String { "strategy.\(rawValue)" }
}
