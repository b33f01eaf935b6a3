/// Puts every instrument's records of one segment into the file's order: oldest first, and for
/// records of the same time, in the order the instruments were named (then trade id), so the same
/// download always gives the same bytes.
public enum SegmentAssembly {
    /// The segment's records in file order.
    public static func merge(_ cursors: [PageCursor], instruments: [String]) -> [HistoryRecord] {
        let rank = Dictionary(instruments.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return cursors.flatMap(\.records).sorted { left, right in
            (left.time, rank[left.instrument] ?? 0, left.tradeNumber) < (right.time, rank[right.instrument] ?? 0, right.tradeNumber)
        }
    }
}
