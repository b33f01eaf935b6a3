import Risk
import Storage

/// Why an operator's request was refused. Each case says what was wrong and what to do.
public enum OperatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The acting user is not in the users table.
    case unknownUser(String)
    /// The acting user exists but is deactivated.
    case inactiveUser(String)
    /// The acting user's role may not do this; `allowed` may (the database's operator_grants).
    case roleRefused(user: String, role: UserRole, permission: OperatorPermission, allowed: [UserRole])
    /// `users add` for a name (or email) already taken.
    case userExists(String)
    /// No strategy row with this name.
    case unknownStrategy(String)
    /// The strategy's status is not one an operator command applies to (e.g. draft, archived).
    case notControllable(strategy: String, status: String)
    /// The trading-state machine has no such edge (or the strategy already is in that state).
    case illegalTransition(strategy: String, command: OperatorCommand, reason: StrategyTransitionError)
    /// No risk event with this id.
    case unknownRiskEvent(Int64)
    /// The risk event was acknowledged before.
    case alreadyAcknowledged(id: Int64)
    /// An argument is malformed.
    case invalidArgument(field: String, reason: String)
    /// A strategy the risk engine halted is resumed before its halting risk event is acknowledged.
    case haltNotAcknowledged(strategy: String, eventId: Int64)
    /// A strategy the risk engine halted is resumed by someone other than an admin.
    case resumeNeedsAdmin(strategy: String, eventId: Int64)
    /// The schema has pending migrations and this operator may not apply them.
    case schemaBehind(operator: String)

    public var description: String {
        switch self {
        case .unknownUser(let user):
            "user '\(user)' is not in the users table; ask an admin to run `runtime users add \(user) --role viewer|trader|risk_officer|admin`"
        case .inactiveUser(let user): "user '\(user)' is deactivated; ask an admin to reactivate the account"
        case .roleRefused(let user, let role, let permission, let allowed):
            "user '\(user)' has role \(role.rawValue), which may not \(permission.verb); that needs "
                + allowed.map(\.rawValue).joined(separator: " or ")
        case .userExists(let name): "a user with username or email '\(name)' already exists"
        case .unknownStrategy(let name): "no strategy named '\(name)' is deployed; `runtime strategies` lists the deployed ones"
        case .notControllable(let name, let status):
            "strategy '\(name)' has status \(status), which operator commands do not apply to; deploy it with `runtime deploy` first"
        case .illegalTransition(let name, let command, let reason): "cannot \(command.rawValue) '\(name)': \(reason.description)"
        case .unknownRiskEvent(let id): "no risk event with id \(id); `runtime risk list` shows the ids"
        case .alreadyAcknowledged(let id): "risk event \(id) is already acknowledged"
        case .invalidArgument(let field, let reason): "\(field): \(reason)"
        case .haltNotAcknowledged(let name, let id):
            "'\(name)' was halted by the risk engine (risk event \(id)); acknowledge it first (`runtime risk ack \(id)`), then an admin resumes it"
        case .resumeNeedsAdmin(let name, let id):
            "'\(name)' was halted by the risk engine (risk event \(id), acknowledged); only an admin resumes it"
        case .schemaBehind(let name):
            "the database schema has pending migrations and '\(name)' is not an admin; ask an admin to run `runtime migrate`"
        }
    }
}
