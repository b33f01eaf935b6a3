/// Bars that go up from zero for positive values and down for negative ones (daily PnL).
public struct BarChart {
    /// One bar: its label on the x axis and its value.
    public struct Bar: Hashable, Sendable {
        public var label: String
        public var value: Double
        /// A bar.
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// The chart's accessible title.
    public var title: String
    /// In order, left to right.
    public var bars: [Bar]
    public var style: ChartStyle
    /// The y axis' labels; nil: the value with the decimals the tick step needs.
    public var yLabel: ((Double) -> String)?
    public var emptyText = "no data"

    /// A bar chart.
    public init(title: String, bars: [Bar], style: ChartStyle = ChartStyle(), yLabel: ((Double) -> String)? = nil) {
        self.title = title
        self.bars = bars
        self.style = style
        self.yLabel = yLabel
    }

    /// The chart as one `<svg>` element.
    public var svg: String {
        var canvas = SVGCanvas(style: style, title: title)
        let shown = bars.filter { $0.value.isFinite }
        guard !shown.isEmpty else {
            canvas.emptyMessage(emptyText)
            return canvas.svg
        }
        let yScale = ChartScale(values: shown.map(\.value), including: 0, pixels: style.plotTop...style.plotBottom, inverted: true)
        canvas.yGrid(yScale, label: yLabel)
        let slot = (style.plotRight - style.plotLeft) / Double(shown.count)
        let width = max(1, slot * 0.7)
        let zero = yScale.pixel(0)
        // Label every bar when they fit, else about eight of them.
        let every = max(1, shown.count / 8)
        var labels: [(Double, String)] = []
        for (index, bar) in shown.enumerated() {
            let x = style.plotLeft + slot * Double(index) + (slot - width) / 2
            let y = yScale.pixel(bar.value)
            let color = bar.value < 0 ? style.negativeColor : style.positiveColor
            canvas.append(#"<rect class="bar" x="\#(SVGText.number(x))" y="\#(SVGText.number(min(y, zero)))" width="\#(SVGText.number(width))" height="\#(SVGText.number(max(abs(zero - y), 0.5)))" fill="\#(color)"><title>\#(SVGText.escape("\(bar.label): \(yLabel.map { $0(bar.value) } ?? SVGText.number(bar.value))"))</title></rect>"#)
            if index % every == 0 { labels.append((x + width / 2, bar.label)) }
        }
        canvas.append(#"<line x1="\#(SVGText.number(style.plotLeft))" y1="\#(SVGText.number(zero))" x2="\#(SVGText.number(style.plotRight))" y2="\#(SVGText.number(zero))" stroke="\#(style.textColor)" stroke-width="1"/>"#)
        canvas.xLabels(labels)
        return canvas.svg
    }
}
