import TradingCore

/// Remembers recent trade ids per instrument so a trade repeated across reconnects is delivered once.
///
/// OKX trade ids are unique per instrument. The memory is bounded: the oldest ids are forgotten first,
/// and `capacityPerInstrument` is far more than a reconnect can repeat.
public struct TradeDeduplicator: Sendable {
    private struct Recent: Sendable {
        var ids: Set<String> = []
        var order: [String] = []
        var next = 0
    }

    public let capacityPerInstrument: Int
    private var recent: [InstrumentId: Recent] = [:]
    /// Trades refused as repeats so far.
    public private(set) var duplicatesDropped = 0

    public init(capacityPerInstrument: Int = 8192) {
        self.capacityPerInstrument = max(1, capacityPerInstrument)
    }

    /// True the first time a trade is seen; false for a repeat (which is counted).
    public mutating func isFirstSighting(_ trade: TradeTick) -> Bool {
        let id = trade.tradeId.rawValue
        var entry = recent.removeValue(forKey: trade.instrument) ?? Recent()
        defer { recent[trade.instrument] = entry }
        if entry.ids.contains(id) {
            duplicatesDropped += 1
            return false
        }
        entry.ids.insert(id)
        if entry.order.count < capacityPerInstrument {
            entry.order.append(id)
        } else {
            entry.ids.remove(entry.order[entry.next])
            entry.order[entry.next] = id
            entry.next = (entry.next + 1) % capacityPerInstrument
        }
        return true
    }
}
