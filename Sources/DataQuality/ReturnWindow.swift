/// The last `capacity` step returns of a price stream, with running sums for an O(1) mean and
/// standard deviation. Statistics only, so `Double` (never used for prices or money).
struct ReturnWindow {
    let capacity: Int
    private var values: [Double]
    private var next = 0
    private(set) var count = 0
    private var sum = 0.0
    private var sumOfSquares = 0.0
    /// Pushes since the sums were last recomputed exactly: adding and removing floats drifts, so
    /// every `capacity` pushes the sums are rebuilt from the stored values (amortised O(1)).
    private var pushesSinceRecompute = 0

    init(capacity: Int) {
        self.capacity = capacity
        values = []
    }

    mutating func removeAll() {
        next = 0
        count = 0
        sum = 0
        sumOfSquares = 0
        pushesSinceRecompute = 0
    }

    mutating func push(_ value: Double) {
        if values.isEmpty { values = [Double](repeating: 0, count: capacity) }
        if count == capacity {
            let evicted = values[next]
            sum -= evicted
            sumOfSquares -= evicted * evicted
        } else {
            count += 1
        }
        values[next] = value
        sum += value
        sumOfSquares += value * value
        next += 1
        if next == capacity { next = 0 }
        pushesSinceRecompute += 1
        if pushesSinceRecompute >= capacity { recomputeSums() }
    }

    var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The population variance of the stored returns.
    var variance: Double {
        guard count > 0 else { return 0 }
        let mean = sum / Double(count)
        return max(0, sumOfSquares / Double(count) - mean * mean)
    }

    /// The population standard deviation of the stored returns.
    var standardDeviation: Double { variance.squareRoot() }

    /// Whether |value - mean| / max(sigma, sigmaFloor), the value's z-score, is above
    /// `threshold` (a positive number). Worked out on squares: every price is judged, and a
    /// square root and two divisions were most of the check's time.
    func isOutlier(_ value: Double, threshold: Double, sigmaFloor: Double) -> Bool {
        let variance = max(self.variance, sigmaFloor * sigmaFloor)
        let distance = value - mean
        if variance == 0 { return distance != 0 }
        return distance * distance > threshold * threshold * variance
    }

    private mutating func recomputeSums() {
        var newSum = 0.0
        var newSumOfSquares = 0.0
        // The stored values are the last `count` pushes; order does not matter for sums.
        for index in 0..<count {
            let value = values[index]
            newSum += value
            newSumOfSquares += value * value
        }
        sum = newSum
        sumOfSquares = newSumOfSquares
        pushesSinceRecompute = 0
    }
}
