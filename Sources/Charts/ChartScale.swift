/// A linear mapping of data values onto a pixel range, with "nice" tick values (1, 2, 2.5, 5 × 10ⁿ).
struct ChartScale {
    let lower: Double
    let upper: Double
    let pixelLow: Double
    let pixelHigh: Double

    /// A scale over `values` (widened so that a flat series still has a range, and to include
    /// `including`, e.g. zero for bars).
    init(values: [Double], including: Double? = nil, pixels: ClosedRange<Double>, inverted: Bool) {
        var low = values.filter(\.isFinite).min() ?? 0
        var high = values.filter(\.isFinite).max() ?? 1
        if let including {
            low = min(low, including)
            high = max(high, including)
        }
        if high - low < 1e-12 {
            let pad = max(abs(high) * 0.01, 1e-9)
            low -= pad
            high += pad
        }
        lower = low
        upper = high
        pixelLow = inverted ? pixels.upperBound : pixels.lowerBound
        pixelHigh = inverted ? pixels.lowerBound : pixels.upperBound
    }

    func pixel(_ value: Double) -> Double {
        pixelLow + (value - lower) / (upper - lower) * (pixelHigh - pixelLow)
    }

    /// About `count` round values inside the range.
    func ticks(count: Int = 5) -> [Double] {
        let raw = (upper - lower) / Double(max(count, 1))
        let magnitude = Self.power10(raw)
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        guard step > 0, step.isFinite else { return [lower] }
        var tick = (lower / step).rounded(.up) * step
        var result: [Double] = []
        while tick <= upper + step * 1e-9, result.count < 50 {
            result.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return result
    }

    /// The distance between two ticks of ``ticks(count:)``.
    func tickStep(count: Int = 5) -> Double {
        let ticks = ticks(count: count)
        return ticks.count > 1 ? ticks[1] - ticks[0] : max(abs(upper - lower), 1e-12)
    }

    /// `value` with as many decimals as the tick step needs to tell ticks apart, thousands
    /// grouped with a thin space: 19,985 and 19,990 must not both read "20.0k".
    func label(_ value: Double, count: Int = 5) -> String {
        let step = tickStep(count: count)
        // The fewest decimals that write the step exactly (2.5 needs one, 0.02 two).
        var decimals = 0
        var scaled = step
        while decimals < 8, abs(scaled - scaled.rounded()) > 1e-6 * max(1, abs(scaled)) {
            decimals += 1
            scaled *= 10
        }
        let magnitude = abs(value)
        var text = decimals == 0 ? String(Int64(magnitude.rounded())) : Self.fixed(magnitude, decimals: decimals)
        let dot = text.firstIndex(of: ".") ?? text.endIndex
        var whole = String(text[..<dot])
        let fraction = String(text[dot...])
        var grouped = ""
        while whole.count > 3 {
            grouped = "\u{2009}" + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        text = whole + grouped + fraction
        return (value < 0 && text.contains(where: { $0 != "0" && $0 != "." && $0 != "\u{2009}" }) ? "−" : "") + text
    }

    /// `value` (not negative) with exactly `decimals` decimals, rounded half up.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((value * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return "\(whole).\(fraction)"
    }

    static func power10(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= value { power *= 10 }
        while power > value { power /= 10 }
        return power
    }
}
