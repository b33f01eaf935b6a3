import TradingCore

/// A bounded queue of outputs the host drains off the hot path. When it is full, further
/// outputs are counted, and one `events_dropped` event reports the count once there is room.
/// Transitions and audit records are never dropped: losing a halt's record would be worse
/// than a short overshoot of the bound.
struct RiskOutbox {
    private(set) var items: [RiskOutput] = []
    let capacity: Int
    private(set) var droppedSinceLastDrain = 0
    private(set) var totalDropped = 0

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(min(capacity, 1024))
    }

    mutating func append(_ output: RiskOutput) {
        if case .event = output, items.count >= capacity {
            droppedSinceLastDrain += 1
            totalDropped += 1
            return
        }
        items.append(output)
    }

    mutating func drain(at now: Timestamp) -> [RiskOutput] {
        var drained = items
        items.removeAll(keepingCapacity: true)
        if droppedSinceLastDrain > 0 {
            drained.append(.event(RiskEvent(
                eventType: .eventsDropped, severity: .warning, strategy: nil, symbol: nil,
                description: "\(droppedSinceLastDrain) risk events were dropped because the outbox (capacity \(capacity)) was full",
                metricName: "events_dropped", metricValue: FixedPoint(droppedSinceLastDrain),
                thresholdValue: FixedPoint(capacity), actionTaken: "none", createdAt: now)))
            droppedSinceLastDrain = 0
        }
        return drained
    }
}
