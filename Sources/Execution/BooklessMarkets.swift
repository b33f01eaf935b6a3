import TradingCore

/// The venue's instruments without a book, by id. A candles or trades backtest asks for the same
/// instrument at every price point: the last one found is remembered with its index, so that
/// asking again compares ids instead of hashing one (a few per cent of a bar).
struct BooklessMarkets {
    typealias Index = Dictionary<InstrumentId, BooklessMarket>.Index

    private var markets: [InstrumentId: BooklessMarket] = [:]
    /// Valid until the dictionary gains or loses a key (changing a value keeps indices).
    private var last: (id: InstrumentId, index: Index)?

    var isEmpty: Bool { markets.isEmpty }

    /// The fill model of each instrument.
    var models: [InstrumentId: FillModel] { markets.mapValues(\.model) }

    /// Where the instrument's market is, nil if it has none.
    mutating func index(of id: InstrumentId) -> Index? {
        if let last, last.id == id { return last.index }
        guard let index = markets.index(forKey: id) else { return nil }
        last = (id, index)
        return index
    }

    /// Where the instrument's market is, created as `market` if it has none.
    mutating func index(of id: InstrumentId, creating market: BooklessMarket) -> Index? {
        if let index = index(of: id) { return index }
        markets[id] = market
        last = nil
        return index(of: id)
    }

    /// The instrument's market, read or changed in place.
    subscript(index: Index) -> BooklessMarket {
        // Read in place: a copy would retain and release the queue of waiting orders, at every bar.
        _read { yield markets.values[index] }
        _modify { yield &markets.values[index] }
    }

    /// The instrument's market, nil if it has none.
    subscript(id: InstrumentId) -> BooklessMarket? { markets[id] }

    /// Removes and returns the instrument's market.
    mutating func removeValue(forKey id: InstrumentId) -> BooklessMarket? {
        last = nil
        return markets.removeValue(forKey: id)
    }
}
