/// Size and colors shared by the charts. The SVG scales to its container's width (viewBox), so
/// the same chart reads on a laptop and a phone.
public struct ChartStyle: Sendable {
    /// The viewBox width (the chart scales to its container; this sets the aspect and text size).
    public var width: Double = 800
    /// The viewBox height.
    public var height: Double = 220
    /// The series' line.
    public var lineColor = "#1f6feb"
    /// An area under (or over) the line.
    public var fillColor = "#1f6feb"
    /// Bars below zero.
    public var negativeColor = "#cf222e"
    /// Bars above zero.
    public var positiveColor = "#1a7f37"
    /// Grid lines.
    public var gridColor = "#d0d7de"
    /// Labels.
    public var textColor = "#57606a"

    /// The default style.
    public init() {}

    var plotLeft: Double { 70 }
    var plotRight: Double { width - 12 }
    var plotTop: Double { 12 }
    var plotBottom: Double { height - 28 }
}
