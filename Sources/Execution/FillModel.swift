/// What the paper venue fills an instrument's orders against, decided by the market data it has
/// seen for that instrument: a book when there is one (from a book channel or a ticker's best bid
/// and ask), else public trades, else confirmed candles. A better source, once seen, wins from
/// then on: book over trades over candles.
public enum FillModel: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Orders walk the venue's copy of the book (see ``PaperVenue``).
    case book
    /// Orders take at the last trade's price; resting orders fill on trades through them.
    case trades
    /// Orders meet each confirmed bar's price path (see ``BarPath``).
    case candles

    /// How much detail the source has: a model with a higher rank replaces a lower one.
    var rank: Int {
        switch self {
        case .book: 2
        case .trades: 1
        case .candles: 0
        }
    }

    /// Orders by ``rank``, the richer source last.
    public static func < (lhs: FillModel, rhs: FillModel) -> Bool { lhs.rank < rhs.rank }

    /// What a trade row's notes say about the model: `fill_model=candles`.
    public var note: String { "fill_model=\(rawValue)" }
}
