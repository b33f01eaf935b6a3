/// Builds one `<svg>` element: the frame, grid and labels every chart shares.
struct SVGCanvas {
    let style: ChartStyle
    let title: String
    private(set) var body = ""

    init(style: ChartStyle, title: String) {
        self.style = style
        self.title = title
    }

    mutating func append(_ element: String) { body += element + "\n" }

    /// Horizontal grid lines with labels at the y scale's ticks.
    /// Without `label`, ticks are written with the decimals their step needs, and `unit` after them.
    mutating func yGrid(_ scale: ChartScale, label: ((Double) -> String)?, unit: String = "") {
        for tick in scale.ticks() {
            let text = label.map { $0(tick) } ?? scale.label(tick) + unit
            let y = SVGText.number(scale.pixel(tick))
            append(#"<line class="grid" x1="\#(SVGText.number(style.plotLeft))" y1="\#(y)" x2="\#(SVGText.number(style.plotRight))" y2="\#(y)" stroke="\#(style.gridColor)" stroke-width="1"/>"#)
            append(#"<text x="\#(SVGText.number(style.plotLeft - 6))" y="\#(y)" text-anchor="end" dominant-baseline="middle" font-size="11" fill="\#(style.textColor)">\#(SVGText.escape(text))</text>"#)
        }
    }

    /// Labels along the bottom at `(pixel x, text)`; with `flushEnds` the first and last are
    /// aligned inside the plot (they sit on its edges) rather than centered across them.
    mutating func xLabels(_ labels: [(Double, String)], flushEnds: Bool = false) {
        let y = SVGText.number(style.plotBottom + 18)
        for (index, (x, text)) in labels.enumerated() {
            let anchor = !flushEnds || labels.count < 2 ? "middle" : index == 0 ? "start" : index == labels.count - 1 ? "end" : "middle"
            append(#"<text x="\#(SVGText.number(x))" y="\#(y)" text-anchor="\#(anchor)" font-size="11" fill="\#(style.textColor)">\#(SVGText.escape(text))</text>"#)
        }
    }

    /// A message in the middle of an empty chart.
    mutating func emptyMessage(_ text: String) {
        append(#"<text x="\#(SVGText.number(style.width / 2))" y="\#(SVGText.number(style.height / 2))" text-anchor="middle" font-size="13" fill="\#(style.textColor)">\#(SVGText.escape(text))</text>"#)
    }

    var svg: String {
        let size = "\(SVGText.number(style.width)) \(SVGText.number(style.height))"
        return #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(size)" width="100%" role="img" aria-label="\#(SVGText.escape(title))" font-family="system-ui, sans-serif">"#
            + "\n<title>\(SVGText.escape(title))</title>\n" + body + "</svg>"
    }
}
