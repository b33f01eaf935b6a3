import TradingCore

/// The engine's per-instrument market state and subscriber lists, stored by slot so the event
/// loop finds an instrument without hashing its id (consecutive events of one instrument hit a
/// one-entry cache) and mutates its state in place (a dictionary value taken out and written back
/// costs two hashes, and for a book a copy of its level arrays).
struct MarketTable {
    /// Each slot's market state.
    private(set) var states: [InstrumentMarket] = []
    /// Each slot's instrument.
    private(set) var ids: [InstrumentId] = []
    /// Each slot's subscribed strategies (runner indices, in dispatch order).
    private(set) var subscribers: [[Int]] = []
    /// Slots in instrument order, for loops whose output must not depend on arrival order.
    private(set) var sortedSlots: [Int] = []
    private var slotsById: [InstrumentId: Int] = [:]
    private var lastSlot = -1

    /// The slot of `id`, nil if the engine never saw the instrument.
    mutating func existingSlot(of id: InstrumentId) -> Int? {
        if lastSlot >= 0, ids[lastSlot] == id { return lastSlot }
        guard let slot = slotsById[id] else { return nil }
        lastSlot = slot
        return slot
    }

    /// The slot of `id`, created (with an empty market) on first sight.
    mutating func slot(for id: InstrumentId) -> Int {
        if let slot = existingSlot(of: id) { return slot }
        let slot = states.count
        states.append(InstrumentMarket(instrument: id))
        ids.append(id)
        subscribers.append([])
        slotsById[id] = slot
        let position = sortedSlots.firstIndex { ids[$0] > id } ?? sortedSlots.count
        sortedSlots.insert(slot, at: position)
        lastSlot = slot
        return slot
    }

    /// How many strategies subscribed to the instrument in `slot`. The event loop reads them by
    /// position (``subscriber(_:of:)``): a loop over the slot's array retains and releases it.
    func subscriberCount(of slot: Int) -> Int { subscribers[slot].count }

    /// The runner index of the `position`th subscriber of `slot`, in dispatch order.
    func subscriber(_ position: Int, of slot: Int) -> Int { subscribers[slot][position] }

    /// Adds a strategy (runner index) to the instrument's subscribers.
    mutating func subscribe(_ runner: Int, to id: InstrumentId) {
        subscribers[slot(for: id)].append(runner)
    }

    /// A slot's market state, read or mutated in place.
    subscript(slot: Int) -> InstrumentMarket {
        get { states[slot] }
        _modify { yield &states[slot] }
    }
}
