import Analytics
import Charts
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reports
import TestSupport
import Testing
import TradingCore

/// The SVG renderer and the HTML page: well-formed, escaped, and honest about empty data.
@Suite(.watchdog) struct ChartAndReportTests {
    /// Parses `text` as XML: an unescaped `<` or `&` in a label would fail here.
    static func isWellFormedXML(_ text: String) -> Bool {
        (try? XMLDocument(xmlString: text)) != nil
    }

    @Test func labelsAreEscapedAndTheSVGIsWellFormed() {
        let chart = LineChart(title: #"<script>&"'"#, points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: 3), ChartPoint(x: 2, y: 2)])
        #expect(!chart.svg.contains("<script>"))
        #expect(chart.svg.contains("&lt;script&gt;&amp;&quot;&#39;"))
        #expect(Self.isWellFormedXML(chart.svg), "\(chart.svg)")
        #expect(chart.svg.contains(#"<path class="series" d="M"#))
    }

    @Test func negativeBarsGoDownInTheirOwnColor() {
        let chart = BarChart(title: "pnl", bars: [.init(label: "a", value: 5), .init(label: "b", value: -3)])
        let svg = chart.svg
        #expect(Self.isWellFormedXML(svg), "\(svg)")
        let style = ChartStyle()
        #expect(svg.contains(#"fill="\#(style.positiveColor)""#) && svg.contains(#"fill="\#(style.negativeColor)""#))
    }

    @Test func anAreaIsClosedOnItsBaseline() {
        let svg = LineChart(title: "dd", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: -5)], fillBaseline: 0).svg
        #expect(svg.contains(#"<path class="area""#) && svg.contains(" Z\""))
        #expect(Self.isWellFormedXML(svg))
    }

    @Test func thinningKeepsExtremes() {
        let points = (0..<10_000).map { ChartPoint(x: Double($0), y: $0 == 5_000 ? -100 : Double($0 % 7)) }
        let thinned = ChartPoint.thinned(points, maximum: 400)
        #expect(thinned.count <= 400 + 4)
        #expect(thinned.contains { $0.y == -100 })
        #expect(thinned.first == points.first && thinned.last == points.last)
    }

    @Test func emptyChartsSaySo() {
        #expect(LineChart(title: "e", points: []).svg.contains("no data"))
        #expect(BarChart(title: "e", bars: []).svg.contains("no data"))
    }

    @Test func aReportWithoutTradesIsStillAReportThatSaysSo() {
        let t0 = Timestamp(millisecondsSinceEpoch: 1_704_067_200_000)
        let flat = [EquityPoint(time: t0, equity: Money(FixedPoint(1000))),
                    EquityPoint(time: t0.advanced(byNanoseconds: 600_000_000_000), equity: Money(FixedPoint(1000)))]
        let report = BacktestReport(title: "Replay of <x>", facts: ["Files: a&b"],
                                    strategies: [.init(name: "quiet", equity: flat, trades: [], exposure: [])])
        let html = HTMLReport.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Replay of &lt;x&gt;") && html.contains("a&amp;b"))
        #expect(html.contains(#"id="no-trades""#))
        // Self-contained: no script, no external stylesheet, image or font.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=") && !html.contains("https://"))
        #expect(html.contains("<svg") && html.contains("quiet") && html.contains("all strategies"))
    }
}

extension ChartAndReportTests {
    /// Ticks of an equity curve near 20,000 must read apart, not all "20.0k".
    @Test func axisLabelsCarryTheDecimalsTheirStepNeeds() {
        let svg = LineChart(title: "eq", points: [ChartPoint(x: 0, y: 19_981.85), ChartPoint(x: 1, y: 20_000)]).svg
        #expect(svg.contains(">19\u{2009}985<") && svg.contains(">20\u{2009}000<"), "\(svg)")
        let small = LineChart(title: "dd", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: -0.09)], fillBaseline: 0, yUnit: " %").svg
        #expect(small.contains(">−0.08 %<") && small.contains(">0.00 %<"), "\(small)")
    }
}

extension ChartAndReportTests {
    /// 45 days of hourly equity from 2024-01-20: daily bars, dates on the time axis, and a
    /// monthly table with January, February and March.
    static func multiDayReport() -> BacktestReport {
        let start = Timestamp(millisecondsSinceEpoch: 1_705_708_800_000) // 2024-01-20T00:00Z
        var equity: [EquityPoint] = []
        for hour in 0...(45 * 24) {
            // A drift up with a daily wave and a dip in the second week (whole cents).
            let cents = 1_000_000 + hour * 40 + Int((sin(Double(hour) / 24 * 2 * .pi) * 30_000).rounded())
                - (hour > 24 * 8 && hour < 24 * 12 ? 60_000 : 0)
            equity.append(EquityPoint(time: start.advanced(byNanoseconds: Int64(hour) * 3_600_000_000_000),
                                      equity: Money(FixedPoint(units: Int64(cents), decimals: 2))))
        }
        return BacktestReport(title: "45 days", facts: [], strategies: [.init(name: "wave", equity: equity, trades: [], exposure: [])])
    }

    @Test func aLongReplayGetsDailyBarsDatesAndMonths() {
        let report = Self.multiDayReport()
        #expect(report.total.statistics.returnPeriod == .day && report.total.statistics.annualizedReturn != nil)
        let html = HTMLReport.render(report)
        #expect(html.contains("<h3>Daily PnL</h3>"))
        // 46 UTC days (the last one holds only its midnight point), in both sections.
        #expect(html.components(separatedBy: #"<rect class="bar""#).count - 1 == 2 * 46)
        #expect(html.contains(">01-20<") || html.contains(">2024-01-20<"), "dates on the time axis")
        let months = html.components(separatedBy: "<table class=\"monthly\">")[1].components(separatedBy: "</table>")[0]
        #expect(months.components(separatedBy: "<td>2024</td>").count - 1 == 1)
        #expect(months.components(separatedBy: " %").count - 1 == 4, "January, February, March and the year: \(months)")
    }
}
