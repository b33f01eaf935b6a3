/// Size and colors shared by the charts. The SVG scales to its container's width (viewBox), so
/// the same chart reads on a laptop and a phone.
public struct ChartStyle: Sendable {
    public var width: Double = 800
    public var height: Double = 220
    public var lineColor = "#1f6feb"
    public var fillColor = "#1f6feb"
    public var negativeColor = "#cf222e"
    public var positiveColor = "#1a7f37"
    public var gridColor = "#d0d7de"
    public var textColor = "#57606a"

    public init() {}

    var plotLeft: Double { 70 }
    var plotRight: Double { width - 12 }
    var plotTop: Double { 12 }
    var plotBottom: Double { height - 28 }
}
