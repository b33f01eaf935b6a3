/// One point of a series: x is usually seconds since the epoch, y the value.
public struct ChartPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double

    /// A point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// At most about `maximum` points of `points` (sorted by x): per bucket of equal x width the
    /// first, lowest, highest and last point, so spikes and drawdowns survive the thinning.
    public static func thinned(_ points: [ChartPoint], maximum: Int) -> [ChartPoint] {
        guard points.count > maximum, maximum >= 8, let first = points.first, let last = points.last, last.x > first.x else { return points }
        let buckets = maximum / 4
        let width = (last.x - first.x) / Double(buckets)
        var result: [ChartPoint] = []
        var bucket: [ChartPoint] = []
        var bucketIndex = 0
        func flush() {
            guard let head = bucket.first, let tail = bucket.last,
                  let low = bucket.min(by: { $0.y < $1.y }), let high = bucket.max(by: { $0.y < $1.y }) else { return }
            for point in [head, low, high, tail].sorted(by: { $0.x < $1.x }) where result.last != point { result.append(point) }
            bucket.removeAll(keepingCapacity: true)
        }
        for point in points {
            let index = min(Int((point.x - first.x) / width), buckets - 1)
            if index != bucketIndex { flush(); bucketIndex = index }
            bucket.append(point)
        }
        flush()
        return result
    }
}
