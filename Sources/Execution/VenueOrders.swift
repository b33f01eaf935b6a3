import TradingCore

/// The paper venue's orders: each lifecycle in a slot of an array, found by its client order id.
///
/// Steps of an order find its slot once and read and change the lifecycle there. A dictionary
/// value is copied out whole when a field of it is read, and a lifecycle is a large value read
/// several times per step.
struct VenueOrders {
    typealias Slot = Int

    private var lifecycles: [OrderLifecycle] = []
    private var slots: [ClientOrderId: Slot] = [:]

    /// Every order, in no particular order.
    var all: [OrderLifecycle] { lifecycles }

    /// Where the order is; valid until an order is removed.
    func slot(of id: ClientOrderId) -> Slot? { slots[id] }

    subscript(slot: Slot) -> OrderLifecycle {
        _read { yield lifecycles[slot] }
        _modify { yield &lifecycles[slot] }
    }

    /// Whether the order is known and live, read in place.
    func isLive(_ id: ClientOrderId) -> Bool { slots[id].map { lifecycles[$0].isLive } ?? false }

    /// A copy of the order's lifecycle, nil for an order the venue does not know.
    subscript(id: ClientOrderId) -> OrderLifecycle? { slots[id].map { lifecycles[$0] } }

    /// Adds an order the venue does not know yet (its submit refused a known client order id);
    /// from then on the order changes in its slot.
    mutating func add(_ order: OrderLifecycle) {
        assert(slots[order.request.clientOrderId] == nil, "an order is added once")
        slots[order.request.clientOrderId] = lifecycles.count
        lifecycles.append(order)
    }

    /// Forgets the order: the last slot's order moves into its slot.
    mutating func remove(_ id: ClientOrderId) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        let last = lifecycles.count - 1
        if slot != last {
            lifecycles.swapAt(slot, last)
            slots[lifecycles[slot].request.clientOrderId] = slot
        }
        lifecycles.removeLast()
    }
}
