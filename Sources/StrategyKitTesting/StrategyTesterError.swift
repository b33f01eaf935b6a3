/// Why a ``StrategyTester`` could not be built or fed. Each says what to fix.
public struct StrategyTesterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public var description: String

    init(_ description: String) { self.description = description }
}
