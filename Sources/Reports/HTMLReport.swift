import Analytics
import Foundation
import Charts
import TradingCore

/// Renders a ``BacktestReport`` as one self-contained HTML page: inline CSS and inline SVG
/// charts, no script, no network.
public enum HTMLReport {
    /// Trades listed per section; the statistics always count all of them.
    public static let tradeRowLimit = 1_000

    /// The page.
    public static func render(_ report: BacktestReport) -> String {
        var html = "<h2>Summary</h2>\n" + summaryTable([report.total] + report.strategies)
        if report.total.trades.isEmpty {
            html += #"<p class="note" id="no-trades">No trades: no order of any strategy filled in this replay.</p>"# + "\n"
        }
        for section in [report.total] + report.strategies {
            html += self.section(section)
        }
        return ReportPage.render(title: report.title, facts: report.facts, body: html)
    }

    /// One row of headline figures per section.
    static func summaryTable(_ sections: [BacktestReport.Section]) -> String {
        var rows = ""
        for section in sections {
            let s = section.statistics
            rows += "<tr><td>\(HTMLText.escape(section.name))</td><td>\(signed(HTMLText.amount(s.netPnl), s.netPnl.value.doubleValue))</td>"
                + "<td>\(HTMLText.percent(s.totalReturn))</td><td>\(HTMLText.ratio(s.sharpe))</td><td>\(HTMLText.percent(s.maxDrawdown))</td>"
                + "<td>\(HTMLText.percent(s.winRate))</td><td>\(s.trades)</td><td>\(HTMLText.amount(s.fees))</td></tr>\n"
        }
        return #"<div class="scroll"><table class="summary"><tr><th>strategy</th><th>net PnL</th><th>return</th><th>Sharpe</th><th>max drawdown</th><th>win rate</th><th>trades</th><th>fees</th></tr>"#
            + "\n" + rows + "</table></div>\n"
    }

    static func section(_ section: BacktestReport.Section) -> String {
        let s = section.statistics
        var html = "<section>\n<h2>\(HTMLText.escape(section.name))</h2>\n<div class=\"stats\">\n"
        let figures: [(String, String)] = [
            ("Net PnL", HTMLText.amount(s.netPnl)),
            ("Start / end equity", "\(HTMLText.amount(s.startEquity)) / \(HTMLText.amount(s.endEquity))"),
            ("Total return", HTMLText.percent(s.totalReturn)),
            ("Annualized return", HTMLText.percent(s.annualizedReturn)),
            ("Sharpe (\(s.returnPeriod.rawValue) returns)", HTMLText.ratio(s.sharpe)),
            ("Sortino", HTMLText.ratio(s.sortino)),
            ("Calmar", HTMLText.ratio(s.calmar)),
            ("Max drawdown", HTMLText.percent(s.maxDrawdown)),
            ("Longest drawdown", HTMLText.duration(nanoseconds: s.maxDrawdownDuration) + (s.drawdownRecovered ? "" : " (not recovered)")),
            ("Win rate", HTMLText.percent(s.winRate)),
            ("Profit factor", HTMLText.ratio(s.profitFactor)),
            ("Average win / loss", "\(HTMLText.amount(s.averageWin)) / \(HTMLText.amount(s.averageLoss))"),
            ("Exposure time", HTMLText.percent(s.exposure)),
            ("Fees paid", HTMLText.amount(s.fees)),
            ("Trades (won / lost)", "\(s.trades) (\(s.winningTrades) / \(s.losingTrades))"),
        ]
        for (label, value) in figures {
            html += #"<div class="stat"><div class="label">\#(HTMLText.escape(label))</div><div class="value">\#(HTMLText.escape(value))</div></div>"# + "\n"
        }
        html += "</div>\n"
        html += charts(section)
        html += monthlyTable(CalendarReturns.months(section.equity))
        html += tradesTable(section.trades)
        return html + "</section>\n"
    }

    static func charts(_ section: BacktestReport.Section) -> String {
        let xLabel = timeLabel(span: (section.equity.last?.time).map { last in
            section.equity.first.map { last.nanoseconds(since: $0.time) } ?? 0 } ?? 0)
        let equityPoints = section.equity.map { ChartPoint(x: seconds($0.time), y: $0.equity.value.doubleValue) }
        let drawdowns = EquitySeries.drawdowns(section.equity)
        let drawdownPoints = zip(section.equity, drawdowns).map { ChartPoint(x: seconds($0.time), y: -$1 * 100) }
        var equityStyle = ChartStyle()
        equityStyle.height = 260
        // Drawdown and PnL sit side by side: a narrower viewBox keeps their labels as large as the equity chart's.
        var smallStyle = ChartStyle()
        smallStyle.width = 480
        smallStyle.height = 200
        var drawdownStyle = smallStyle
        drawdownStyle.lineColor = drawdownStyle.negativeColor
        drawdownStyle.fillColor = drawdownStyle.negativeColor
        let equity = LineChart(title: "Equity of \(section.name)", points: equityPoints, style: equityStyle, xLabel: xLabel)
        let drawdown = LineChart(title: "Drawdown of \(section.name)", points: drawdownPoints, fillBaseline: 0, style: drawdownStyle,
                                 yUnit: " %", xLabel: xLabel)
        let (barTitle, bars) = pnlBars(section)
        let pnl = BarChart(title: "\(barTitle) of \(section.name)", bars: bars, style: smallStyle)
        return """
            <div class="charts">
            <div class="card chart equity"><h3>Equity</h3>\(equity.svg)</div>
            <div class="card chart drawdown"><h3>Drawdown</h3>\(drawdown.svg)</div>
            <div class="card chart pnl"><h3>\(HTMLText.escape(barTitle))</h3>\(pnl.svg)</div>
            </div>

            """
    }

    /// Daily PnL bars (UTC days); a replay shorter than two days gets hourly bars, or bars per
    /// minute below two hours, so that its chart still shows when it made and lost money.
    static func pnlBars(_ section: BacktestReport.Section) -> (String, [BarChart.Bar]) {
        let span = (section.equity.last?.time).map { last in section.equity.first.map { last.nanoseconds(since: $0.time) } ?? 0 } ?? 0
        if span >= 2 * ReturnPeriod.day.nanoseconds {
            return ("Daily PnL", CalendarReturns.days(section.equity).map {
                BarChart.Bar(label: String($0.label.dropFirst(5)), value: $0.pnl.value.doubleValue)
            })
        }
        let period: ReturnPeriod = span >= 2 * ReturnPeriod.hour.nanoseconds ? .hour : .minute
        let grid = EquitySeries.resampled(section.equity, every: period)
        var bars: [BarChart.Bar] = []
        for k in grid.indices.dropFirst() {
            let label = String(HTMLText.time(grid[k].time).dropFirst(11).prefix(5))
            bars.append(BarChart.Bar(label: label, value: (grid[k].equity - grid[k - 1].equity).value.doubleValue))
        }
        return (period == .hour ? "Hourly PnL" : "PnL per minute", bars)
    }

    static func monthlyTable(_ months: [CalendarReturns.Month]) -> String {
        guard let firstYear = months.first?.year, let lastYear = months.last?.year else { return "" }
        var html = #"<h3>Monthly returns</h3><div class="scroll"><table class="monthly"><tr><th>year</th>"#
        for name in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "year"] { html += "<th>\(name)</th>" }
        html += "</tr>\n"
        for year in firstYear...lastYear {
            html += "<tr><td>\(year)</td>"
            var compounded = 1.0
            var any = false
            for month in 1...12 {
                if let change = months.first(where: { $0.year == year && $0.month == month })?.change {
                    compounded *= 1 + change
                    any = true
                    html += "<td>\(signed(HTMLText.percent(change), change))</td>"
                } else {
                    html += "<td></td>"
                }
            }
            html += "<td>\(any ? signed(HTMLText.percent(compounded - 1), compounded - 1) : "")</td></tr>\n"
        }
        return html + "</table></div>\n"
    }

    static func tradesTable(_ trades: [TradeResult]) -> String {
        guard !trades.isEmpty else { return "<h3>Trades</h3><p class=\"note\">No trades.</p>\n" }
        var html = "<h3>Trades</h3>"
        if trades.count > tradeRowLimit { html += "<p class=\"note\">The first \(tradeRowLimit) of \(trades.count) trades.</p>" }
        html += #"<div class="scroll"><table class="trades"><tr><th>time (UTC)</th><th>strategy</th><th>symbol</th><th>side</th><th>quantity</th><th>avg price</th><th>fee</th><th>realized PnL</th><th>net PnL</th><th>fill model</th></tr>"# + "\n"
        for trade in trades.prefix(tradeRowLimit) {
            html += "<tr><td>\(HTMLText.time(trade.completedAt))</td><td>\(HTMLText.escape(trade.strategy))</td><td>\(HTMLText.escape(trade.symbol))</td>"
                + "<td>\(trade.side == .buy ? "buy" : "sell")</td><td>\(trade.quantity)</td><td>\(trade.averagePrice)</td>"
                + "<td>\(HTMLText.amount(trade.fee))</td><td>\(HTMLText.amount(trade.realizedPnl))</td>"
                + "<td>\(trade.isClosing ? signed(HTMLText.amount(trade.netPnl), trade.netPnl.value.doubleValue) : "")</td>"
                + "<td>\(HTMLText.escape(trade.fillModel ?? ""))</td></tr>\n"
        }
        return html + "</table></div>\n"
    }

    static func signed(_ text: String, _ value: Double) -> String {
        value < 0 ? "<span class=\"neg\">\(text)</span>" : value > 0 ? "<span class=\"pos\">\(text)</span>" : text
    }

    static func seconds(_ time: Timestamp) -> Double { Double(time.nanosecondsSinceEpoch) / 1e9 }

    /// Dates for long series, times of day for short ones.
    static func timeLabel(span: Int64) -> (Double) -> String {
        { x in
            let text = HTMLText.time(Timestamp(nanosecondsSinceEpoch: Int64(x * 1e9)))
            return span > 2 * ReturnPeriod.day.nanoseconds ? String(text.prefix(10)) : String(text.dropFirst(11).prefix(5))
        }
    }
}
