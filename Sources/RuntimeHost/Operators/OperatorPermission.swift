import Storage

/// Something an operator may be allowed to do. Which roles hold it is the database's
/// operator_grants table (migration 013), read only by its `runtime_authorize` (through
/// ``OperatorAccess``), so the CLI and the database's own functions decide alike.
///
/// As shipped: `admin` may do everything; `trader` may deploy, control strategies, replay and
/// acknowledge risk events; `risk_officer` may acknowledge risk events and halt strategies, one
/// or all (a risk officer must be able to stop risk, never to add it); `viewer` may only read.
/// Running the host (live trading above all), migrating, maintaining the database, managing users and acting as another
/// user are the admin's.
public enum OperatorPermission: String, Sendable, Hashable, CaseIterable {
    /// The read-only views: status, trades, positions, perf, candles, strategies, risk list, users list.
    case read
    /// `runtime replay` (a simulation: it writes replay rows, never live or paper ones).
    case replay
    /// `runtime run`: the host trades.
    case runHost = "run_host"
    /// `runtime run --live`: real orders with real money (migration 016).
    case runLive = "run_live"
    /// `runtime migrate` and `runtime db maintain`.
    case administerDatabase = "administer_database"
    /// `--user NAME` / `RUNTIME_USER` naming someone else.
    case actAsAnother = "act_as_another"
    /// `runtime users add`.
    case manageUsers = "manage_users"
    /// `runtime deploy`.
    case deploy
    /// `runtime pause|resume|stop`.
    case controlTrading = "control_trading"
    /// `runtime halt NAME`.
    case halt
    /// `runtime halt --all`: the kill switch.
    case haltAll = "halt_all"
    /// `runtime risk ack`.
    case acknowledgeRisk = "acknowledge_risk"

    /// What the permission lets one do, for refusals ("... may not <verb>").
    public var verb: String {
        switch self {
        case .read: "read the views"
        case .replay: "run replays"
        case .runHost: "run the host"
        case .runLive: "trade live (real money)"
        case .administerDatabase: "migrate or maintain the database"
        case .actAsAnother: "act as another user"
        case .haltAll: "halt all strategies"
        case .manageUsers: "manage users"
        case .deploy: "deploy strategies"
        case .controlTrading: "pause, resume or stop strategies"
        case .halt: "halt strategies"
        case .acknowledgeRisk: "acknowledge risk events"
        }
    }
}
