import Risk
import Storage

/// Why an operator's request was refused. Each case says what was wrong and what to do.
public enum OperatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The acting user is not in the users table.
    case unknownUser(String)
    /// The acting user exists but is deactivated.
    case inactiveUser(String)
    /// The acting user's role may not do this.
    case roleRefused(user: String, role: UserRole, permission: OperatorPermission)
    /// The users table is empty and the acting user is not the default admin.
    case noUsersYet(actingUser: String)
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

    public var description: String {
        switch self {
        case .unknownUser(let user):
            "user '\(user)' is not in the users table; ask an admin to run `runtime users add \(user) --role trader`, "
                + "or act as an existing user with --user NAME or RUNTIME_USER"
        case .inactiveUser(let user): "user '\(user)' is deactivated; ask an admin to reactivate the account"
        case .roleRefused(let user, let role, let permission):
            "user '\(user)' has role \(role.rawValue), which may not \(permission.verb); that needs "
                + permission.allowedRoles.map(\.rawValue).joined(separator: " or ")
        case .noUsersYet(let user):
            "there are no users yet and '\(user)' is not one: run `runtime users add NAME --role admin` first "
                + "(the first user needs no acting user), or act as the default user 'admin', which is created on first use"
        case .userExists(let name): "a user with username or email '\(name)' already exists"
        case .unknownStrategy(let name): "no strategy named '\(name)' is deployed; `runtime strategies` lists the deployed ones"
        case .notControllable(let name, let status):
            "strategy '\(name)' has status \(status), which operator commands do not apply to; deploy it with `runtime deploy` first"
        case .illegalTransition(let name, let command, let reason): "cannot \(command.rawValue) '\(name)': \(reason.description)"
        case .unknownRiskEvent(let id): "no risk event with id \(id); `runtime risk list` shows the ids"
        case .alreadyAcknowledged(let id): "risk event \(id) is already acknowledged"
        case .invalidArgument(let field, let reason): "\(field): \(reason)"
        }
    }
}
