import TradingCore

// Test-only constructors from literals: a malformed literal is a bug in the test, so they trap.

public func fp(_ text: String) -> FixedPoint {
    guard let value = FixedPoint(text) else { preconditionFailure("bad decimal literal \(text)") }
    return value
}
public func px(_ text: String) -> Price { Price(fp(text)) }
public func qty(_ text: String) -> Quantity { Quantity(fp(text)) }
public func money(_ text: String) -> Money { Money(fp(text)) }
public func ms(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: milliseconds) }

public func instrumentId(_ symbol: String) -> InstrumentId {
    guard let id = try? InstrumentId(parsing: symbol) else { preconditionFailure("bad instrument \(symbol)") }
    return id
}
