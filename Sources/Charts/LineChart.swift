/// A line chart of one series over x (time), optionally filled down (or up) to a baseline:
/// the equity curve, and the drawdown curve as an area under zero.
public struct LineChart {
    /// The chart's accessible title.
    public var title: String
    /// The series, sorted by x.
    public var points: [ChartPoint]
    /// Fill the area between the line and this y value (e.g. 0 for drawdown); nil for a line only.
    public var fillBaseline: Double?
    public var style: ChartStyle
    /// The y axis' labels; nil: the value with the decimals the tick step needs, then ``yUnit``.
    public var yLabel: ((Double) -> String)?
    /// Written after each automatic y label (e.g. ` %`).
    public var yUnit = ""
    /// The x axis' labels (x is what the points carry, e.g. seconds since the epoch).
    public var xLabel: (Double) -> String
    /// Points beyond this are thinned (``ChartPoint/thinned(_:maximum:)``).
    public var maximumPoints = 1_200
    /// What an empty chart says.
    public var emptyText = "no data"

    /// A line chart.
    public init(title: String, points: [ChartPoint], fillBaseline: Double? = nil, style: ChartStyle = ChartStyle(),
                yLabel: ((Double) -> String)? = nil, yUnit: String = "",
                xLabel: @escaping (Double) -> String = { SVGText.number($0) }) {
        self.title = title
        self.points = points
        self.fillBaseline = fillBaseline
        self.style = style
        self.yLabel = yLabel
        self.yUnit = yUnit
        self.xLabel = xLabel
    }

    /// The chart as one `<svg>` element.
    public var svg: String {
        var canvas = SVGCanvas(style: style, title: title)
        let shown = ChartPoint.thinned(points.filter { $0.x.isFinite && $0.y.isFinite }, maximum: maximumPoints)
        guard let first = shown.first, let last = shown.last else {
            canvas.emptyMessage(emptyText)
            return canvas.svg
        }
        let yScale = ChartScale(values: shown.map(\.y), including: fillBaseline, pixels: style.plotTop...style.plotBottom, inverted: true)
        let xScale = ChartScale(values: [first.x, last.x], pixels: style.plotLeft...style.plotRight, inverted: false)
        canvas.yGrid(yScale, label: yLabel, unit: yUnit)
        canvas.xLabels(Self.xTicks(first.x, last.x).map { (xScale.pixel($0), xLabel($0)) }, flushEnds: true)
        let coordinates = shown.map { "\(SVGText.number(xScale.pixel($0.x))),\(SVGText.number(yScale.pixel($0.y)))" }
        if let baseline = fillBaseline {
            let base = SVGText.number(yScale.pixel(baseline))
            let area = "M\(SVGText.number(xScale.pixel(first.x))),\(base) L" + coordinates.joined(separator: " L")
                + " L\(SVGText.number(xScale.pixel(last.x))),\(base) Z"
            canvas.append(#"<path class="area" d="\#(area)" fill="\#(style.fillColor)" fill-opacity="0.25" stroke="none"/>"#)
        }
        canvas.append(#"<path class="series" d="M\#(coordinates.joined(separator: " L"))" fill="none" stroke="\#(style.lineColor)" stroke-width="1.5" stroke-linejoin="round"/>"#)
        return canvas.svg
    }

    /// Three to five x positions for labels: the ends and evenly between.
    static func xTicks(_ low: Double, _ high: Double) -> [Double] {
        guard high > low else { return [low] }
        return (0...4).map { low + (high - low) * Double($0) / 4 }
    }
}
