import Storage

/// Something an operator may be allowed to do, and the roles that may.
///
/// Roles (users.role): `admin` may do everything; `trader` may deploy, control strategies and
/// acknowledge risk events; `risk_officer` may acknowledge risk events and halt strategies (a
/// risk officer must be able to stop risk, never to add it); `viewer` may only read.
public enum OperatorPermission: String, Sendable, Hashable, CaseIterable {
    /// `runtime users add`.
    case manageUsers = "manage_users"
    /// `runtime deploy`.
    case deploy
    /// `runtime pause|resume|stop`.
    case controlTrading = "control_trading"
    /// `runtime halt`.
    case halt
    /// `runtime risk ack`.
    case acknowledgeRisk = "acknowledge_risk"

    /// The roles allowed, most powerful first.
    public var allowedRoles: [UserRole] {
        switch self {
        case .manageUsers: [.admin]
        case .deploy, .controlTrading: [.admin, .trader]
        case .halt, .acknowledgeRisk: [.admin, .trader, .riskOfficer]
        }
    }

    /// Whether `role` may do this.
    public func allows(_ role: UserRole) -> Bool { allowedRoles.contains(role) }

    /// What the permission lets one do, for refusals ("... may not <verb>").
    public var verb: String {
        switch self {
        case .manageUsers: "manage users"
        case .deploy: "deploy strategies"
        case .controlTrading: "pause, resume or stop strategies"
        case .halt: "halt strategies"
        case .acknowledgeRisk: "acknowledge risk events"
        }
    }
}
