import TradingCore

/// An equity sample without its strategy's name, as the daily roll-up keeps them per strategy:
/// plain values that a day's thousands of samples copy and free without touching a string.
struct TimedEquity: Sendable {
    var timestamp: Timestamp
    var equity: Money
}
