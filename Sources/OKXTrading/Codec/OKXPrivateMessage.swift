/// One frame from OKX's private WebSocket, decoded.
public enum OKXPrivateMessage: Sendable, Hashable {
    /// The text `pong`.
    case pong
    /// `event: login` with `code 0`.
    case loggedIn
    /// `event: subscribe`: OKX acknowledged a subscription to `channel`.
    case subscribed(channel: String)
    /// `event: error`: a refused login, subscription or request (`code`, `msg`, echoed `id`).
    case error(code: String, message: String, requestId: String?)
    /// `event: notice`, e.g. `64008` "the connection will soon be closed for a service upgrade".
    case notice(code: String, message: String)
    /// `event: channel-conn-count`: informational, never an error (treating it as one caused
    /// reconnect churn for a peer).
    case connectionCount(channel: String, count: String)
    /// `orders` channel pushes.
    case orders([OKXOrderUpdate])
    /// `positions` pushes, or the positions of a `balance_and_position` push.
    case positions([OKXPosition], channel: String)
    /// The answer to an order op sent over the WebSocket (`order`, `cancel-order`, `amend-order`),
    /// correlated by the request `id`.
    case operation(op: String, requestId: String?, acks: [OKXOrderAck])
    /// A well-formed frame this venue has no use for (other channels, other events).
    case ignored(String)
}
