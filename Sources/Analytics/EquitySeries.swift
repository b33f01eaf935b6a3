import TradingCore

/// Operations on an equity series: points in time order (ties keep their order).
public enum EquitySeries {
    /// The equity on a regular grid of `period`: at the first point's time, every period after
    /// it, and at the last point's time when that is not on the grid. Each grid value is the last
    /// point at or before the grid time (equity is a step function between points).
    public static func resampled(_ points: [EquityPoint], every period: ReturnPeriod) -> [EquityPoint] {
        guard let first = points.first, let last = points.last else { return [] }
        var result = [EquityPoint(time: first.time, equity: first.equity)]
        var index = 0
        var current = first.equity
        var gridTime = first.time
        while gridTime < last.time {
            gridTime = min(gridTime.advanced(byNanoseconds: period.nanoseconds), last.time)
            while index < points.count, points[index].time <= gridTime {
                current = points[index].equity
                index += 1
            }
            result.append(EquityPoint(time: gridTime, equity: current))
        }
        return result
    }

    /// Simple returns between consecutive points: `r_k = E_k / E_{k−1} − 1`, skipping a step
    /// from non-positive equity (a return from zero or below is undefined).
    public static func returns(_ points: [EquityPoint]) -> [Double] {
        guard points.count > 1 else { return [] }
        var result: [Double] = []
        result.reserveCapacity(points.count - 1)
        for k in 1..<points.count {
            let previous = points[k - 1].equity.value.doubleValue
            guard previous > 0 else { continue }
            result.append(points[k].equity.value.doubleValue / previous - 1)
        }
        return result
    }

    /// The drawdown at every point: `(peak − E) / peak`, with `peak` the running maximum of equity
    /// up to and including the point (0 while equity is at its peak or the peak is not positive).
    public static func drawdowns(_ points: [EquityPoint]) -> [Double] {
        var peak = -Double.infinity
        return points.map { point in
            let equity = point.equity.value.doubleValue
            peak = max(peak, equity)
            return peak > 0 ? (peak - equity) / peak : 0
        }
    }

    /// Merges several series (e.g. one per strategy) into their sum over time: at every time any
    /// series has a point, the sum of each series' latest equity (a series counts its first
    /// equity from the very start, as its capital was there).
    public static func sum(_ series: [[EquityPoint]]) -> [EquityPoint] {
        let nonEmpty = series.filter { !$0.isEmpty }
        guard !nonEmpty.isEmpty else { return [] }
        var latest = nonEmpty.map { $0[0].equity }
        var cursors = [Int](repeating: 0, count: nonEmpty.count)
        var result: [EquityPoint] = []
        while true {
            var next: Timestamp?
            for (index, points) in nonEmpty.enumerated() where cursors[index] < points.count {
                let time = points[cursors[index]].time
                next = next.map { min($0, time) } ?? time
            }
            guard let time = next else { break }
            for (index, points) in nonEmpty.enumerated() {
                while cursors[index] < points.count, points[cursors[index]].time == time {
                    latest[index] = points[cursors[index]].equity
                    cursors[index] += 1
                }
            }
            result.append(EquityPoint(time: time, equity: latest.reduce(.zero, +)))
        }
        return result
    }
}
