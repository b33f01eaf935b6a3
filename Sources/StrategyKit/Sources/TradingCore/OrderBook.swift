/// A price-level order book: bids best (highest) first, asks best (lowest) first.
///
/// Levels live in sorted contiguous arrays; an update finds its level by binary search, so
/// applying a delta to a 400-level book is a search plus at most one short memmove.
public struct OrderBook: Hashable, Sendable {
    public let instrument: InstrumentId
    /// Bids, highest price first.
    public private(set) var bids: [BookLevel]
    /// Asks, lowest price first.
    public private(set) var asks: [BookLevel]
    /// The exchange time of the last message applied.
    public var timestamp: Timestamp

    public init(instrument: InstrumentId, bids: [BookLevel] = [], asks: [BookLevel] = [], timestamp: Timestamp = .zero) {
        self.instrument = instrument
        self.bids = []
        self.asks = []
        self.timestamp = timestamp
        replace(bids: bids, asks: asks, timestamp: timestamp)
    }

    /// Replaces both sides (a snapshot). Zero-size levels are dropped; levels are sorted.
    public mutating func replace(bids newBids: [BookLevel], asks newAsks: [BookLevel], timestamp: Timestamp) {
        Self.assign(newBids, to: &bids)
        Self.assign(newAsks, to: &asks)
        if !Self.isSorted(bids, descending: true) { bids.sort { $0.price > $1.price } }
        if !Self.isSorted(asks, descending: false) { asks.sort { $0.price < $1.price } }
        self.timestamp = timestamp
    }

    /// Copies the non-empty levels of `source` into `levels`, reusing its storage (a book fed
    /// snapshots on every push then stops allocating once its arrays are big enough).
    private static func assign(_ source: [BookLevel], to levels: inout [BookLevel]) {
        levels.removeAll(keepingCapacity: true)
        levels.reserveCapacity(source.count)
        for level in source where !level.size.isZero { levels.append(level) }
    }

    /// Sets one level: a zero size deletes it, otherwise it is inserted or replaced.
    /// `side` is the side of the book: `.buy` for bids, `.sell` for asks.
    public mutating func set(_ level: BookLevel, on side: Side) {
        if side == .buy {
            Self.set(level, in: &bids, descending: true)
        } else {
            Self.set(level, in: &asks, descending: false)
        }
    }

    /// Applies an OKX book message: a snapshot (or a full-book channel push) replaces the book,
    /// an update sets each level it carries.
    public mutating func apply(_ update: BookUpdate) {
        if update.action == .snapshot || update.channel.isFullSnapshotEachPush {
            replace(bids: update.bids, asks: update.asks, timestamp: update.timestamp)
            return
        }
        for level in update.bids { Self.set(level, in: &bids, descending: true) }
        for level in update.asks { Self.set(level, in: &asks, descending: false) }
        timestamp = update.timestamp
    }

    @inlinable public var bestBid: BookLevel? { bids.first }
    @inlinable public var bestAsk: BookLevel? { asks.first }
    @inlinable public var isEmpty: Bool { bids.isEmpty && asks.isEmpty }

    /// The midpoint of the best bid and ask, rounded down to 12 decimals; nil if a side is empty.
    public var mid: Price? {
        guard let bid = bids.first?.price, let ask = asks.first?.price else { return nil }
        return Price(FixedPoint(raw: (bid.value.raw + ask.value.raw) / 2))
    }

    /// Whether the best bid is at or above the best ask (crossed or locked): a book in this
    /// state cannot be right.
    public var isCrossedOrLocked: Bool {
        guard let bid = bids.first?.price, let ask = asks.first?.price else { return false }
        return bid >= ask
    }

    private static func isSorted(_ levels: [BookLevel], descending: Bool) -> Bool {
        var index = 1
        while index < levels.count {
            let ordered = descending ? levels[index - 1].price > levels[index].price : levels[index - 1].price < levels[index].price
            if !ordered { return false }
            index += 1
        }
        return true
    }

    private static func set(_ level: BookLevel, in levels: inout [BookLevel], descending: Bool) {
        // Binary search for the first index whose price is not better than level.price.
        var low = 0
        var high = levels.count
        while low < high {
            let middle = (low + high) / 2
            let better = descending ? levels[middle].price > level.price : levels[middle].price < level.price
            if better { low = middle + 1 } else { high = middle }
        }
        let found = low < levels.count && levels[low].price == level.price
        if level.size.isZero {
            if found { levels.remove(at: low) }
        } else if found {
            levels[low] = level
        } else {
            levels.insert(level, at: low)
        }
    }
}
