import Analytics
import Foundation

/// A parameter sweep as one self-contained HTML page: one row per combination, ranked.
public enum SweepHTMLReport {
    /// The page; `results` already ranked, `parameterNames` in the sweep's order.
    public static func render(title: String, facts: [String], parameterNames: [String], results: [SweepResult]) -> String {
        var html = "<div class=\"scroll\"><table class=\"sweep\"><tr><th>rank</th>"
        for name in parameterNames { html += "<th>\(HTMLText.escape(name))</th>" }
        html += "<th>trades</th><th>net PnL</th><th>return</th><th>Sharpe</th><th>Sortino</th><th>max drawdown</th><th>win rate</th><th>profit factor</th><th>fees</th><th>note</th></tr>\n"
        for (rank, result) in results.enumerated() {
            html += "<tr><td>\(rank + 1)</td>"
            for name in parameterNames {
                html += "<td>\(HTMLText.escape(result.parameters.first { $0.name == name }?.value ?? ""))</td>"
            }
            switch result.outcome {
            case .ran(let s):
                html += "<td>\(s.trades)</td><td>\(HTMLReport.signed(HTMLText.amount(s.netPnl), s.netPnl.value.doubleValue))</td>"
                    + "<td>\(HTMLText.percent(s.totalReturn))</td><td>\(HTMLText.ratio(s.sharpe))</td><td>\(HTMLText.ratio(s.sortino))</td>"
                    + "<td>\(HTMLText.percent(s.maxDrawdown))</td><td>\(HTMLText.percent(s.winRate))</td>"
                    + "<td>\(HTMLText.ratio(s.profitFactor))</td><td>\(HTMLText.amount(s.fees))</td>"
                    // A persisted sweep's note says where the combination's rows are.
                    + "<td>\(result.strategy.map { "rows under strategy " + HTMLText.escape($0) } ?? "")</td></tr>\n"
            case .refused(let reason):
                html += String(repeating: "<td></td>", count: 9) + "<td class=\"neg reason\">refused: \(HTMLText.escape(reason))</td></tr>\n"
            case .failed(let reason):
                html += String(repeating: "<td></td>", count: 9) + "<td class=\"neg reason\">failed: \(HTMLText.escape(reason))</td></tr>\n"
            }
        }
        return ReportPage.render(title: title, facts: facts, body: html + "</table></div>\n")
    }
}
