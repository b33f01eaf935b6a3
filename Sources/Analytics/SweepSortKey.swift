/// What a sweep's table is ranked by.
public enum SweepSortKey: String, Sendable, CaseIterable {
    /// Highest Sharpe first (combinations without one after those with one).
    case sharpe
    /// Highest net PnL first.
    case netPnl = "net_pnl"
    /// Smallest max drawdown first.
    case maxDrawdown = "max_drawdown"

    /// `results` ranked: those that ran by this key, ties by grid position; then the refused and
    /// failed ones in grid order. The same results always give the same order.
    public func rank(_ results: [SweepResult]) -> [SweepResult] {
        let ran = results.filter { $0.statistics != nil }
        let others = results.filter { $0.statistics == nil }.sorted { $0.index < $1.index }
        return ran.sorted { a, b in
            guard let x = a.statistics, let y = b.statistics else { return a.index < b.index }
            switch self {
            case .sharpe:
                let (p, q) = (x.sharpe ?? -.infinity, y.sharpe ?? -.infinity)
                if p != q { return p > q }
            case .netPnl:
                if x.netPnl != y.netPnl { return x.netPnl > y.netPnl }
            case .maxDrawdown:
                if x.maxDrawdown != y.maxDrawdown { return x.maxDrawdown < y.maxDrawdown }
            }
            return a.index < b.index
        } + others
    }
}
