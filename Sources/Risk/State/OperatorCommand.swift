/// A user's role (the users table's `role`).
public enum OperatorRole: String, Sendable, Hashable, CaseIterable, Codable {
    case admin
    case trader
    case viewer

    /// Whether this role may pause, resume, stop or halt strategies and flip the kill switch.
    public var mayControlTrading: Bool { self != .viewer }
}

/// The user acting through the CLI.
public struct OperatorIdentity: Sendable, Hashable, Codable {
    /// The user name (users.username).
    public var user: String
    /// The user's role.
    public var role: OperatorRole

    /// Creates an identity; the CLI has checked it against the users table.
    public init(user: String, role: OperatorRole) {
        self.user = user
        self.role = role
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
