import TradingCore

/// What a venue reports besides order events: facts operators must see, and halts the host must
/// carry out. The paper venue has none; an exchange venue reports orders placed outside the
/// runtime, fills it had to infer, positions it cannot explain and credentials it lost.
public enum VenueNotice: Sendable, Hashable {
    /// Recorded as a warning risk event of `eventType` (`venue_…`); trading goes on.
    case warning(eventType: String, description: String)
    /// These strategies must stop trading (nil: every strategy on the venue), recorded as a
    /// critical risk event of `eventType` with an audit row each.
    case halt(strategies: Set<StrategyName>?, eventType: String, reason: String)
}
