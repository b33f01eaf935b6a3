/// The last `capacity` values of a series in a fixed ring buffer: pushing never allocates.
public struct RollingWindow: Sendable {
    private var storage: [Double]
    private var head = 0
    /// How many values are held (at most ``capacity``).
    public private(set) var count = 0

    /// Creates an empty window holding at most `capacity` values.
    /// - Throws: ``IndicatorError/nonPositivePeriod(_:)`` when `capacity` is below 1.
    public init(capacity: Int) throws(IndicatorError) {
        guard capacity >= 1 else { throw .nonPositivePeriod(capacity) }
        storage = [Double](repeating: 0, count: capacity)
    }

    /// The most values the window holds.
    public var capacity: Int { storage.count }
    /// Whether the window holds ``capacity`` values.
    public var isFull: Bool { count == storage.count }

    /// Appends `value`; when full, drops and returns the oldest value.
    @discardableResult
    public mutating func push(_ value: Double) -> Double? {
        if count < storage.count {
            storage[(head + count) % storage.count] = value
            count += 1
            return nil
        }
        let evicted = storage[head]
        storage[head] = value
        head = (head + 1) % storage.count
        return evicted
    }

    /// The value `age` steps back: 0 is the newest. Nil when the window holds fewer values.
    public func value(ago age: Int) -> Double? {
        guard age >= 0, age < count else { return nil }
        return storage[(head + count - 1 - age) % storage.count]
    }

    /// Calls `body` with each held value, oldest first.
    public func forEach(_ body: (Double) -> Void) {
        var index = 0
        while index < count {
            body(storage[(head + index) % storage.count])
            index += 1
        }
    }

    /// Forgets every value (keeps the storage).
    public mutating func removeAll() {
        head = 0
        count = 0
    }
}

/// Why an indicator could not be created.
public enum IndicatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The period or window length must be at least 1 (2 for standard deviation).
    case nonPositivePeriod(Int)

    /// What was wrong.
    public var description: String {
        switch self {
        case .nonPositivePeriod(let period): "period must be at least 1 (2 for a standard deviation), got \(period)"
        }
    }
}
