import TradingCore

/// The reference price of one price stream of one instrument (its trades, its ticker's last
/// price, its book mid, or its candles of one interval), and the judgement of each new price
/// against it.
///
/// How the reference moves, so that a real market move never locks an instrument out:
/// - The first price a stream ever sees is accepted and becomes the reference.
/// - Every accepted price becomes the reference (a flagged z-score outlier too: it was accepted).
/// - **Reset.** After ``markDiscontinuity()`` (the feed reconnected, resubscribed or saw a
///   sequence gap) or when the reference is older than `price.reference_max_age_ms` on the feed
///   clock (in either direction, so replays that jump between captures behave), the reference
///   judges nothing: the next price is accepted, flagged `reference_reset`, becomes the
///   reference, and the z-score window starts empty.
/// - **Re-anchor.** A refused price (deviation, or a z-score outlier under `action: reject`)
///   leaves the reference alone, but is remembered as a candidate. When `price.reanchor_after`
///   refused prices arrive in a row, each within the deviation limit of the one before, the
///   market has moved rather than printed one bad tick: the last of them is accepted, flagged
///   `reference_reanchored`, and becomes the reference (the z-score window restarts). An
///   accepted price in between ends the run. The cost is `reanchor_after - 1` refused genuine
///   prices after a real jump without a gap; one bad print can never become the reference.
struct PriceTrack {
    /// The reference price's raw fixed-point value; 0 until the first price (prices are positive).
    private(set) var reference: Int128 = 0
    /// The feed-clock time the reference was set, nanoseconds.
    private(set) var referenceTime: Int64 = 0
    /// Set by the feed on a discontinuity; the next price resets the reference.
    private(set) var needsReset = false
    /// The last refused price of the current run of refusals, and the run's length.
    private var candidate: Int128 = 0
    private(set) var candidateCount = 0
    private var returns: ReturnWindow

    init(zScoreWindow: Int) {
        returns = ReturnWindow(capacity: zScoreWindow)
    }

    /// How many step returns the z-score window holds now.
    var returnCount: Int { returns.count }

    /// The next price is not judged against the current reference.
    mutating func markDiscontinuity() {
        if reference != 0 { needsReset = true }
    }

    /// Judges `price` seen at feed-clock time `now` (nanoseconds) and moves the reference.
    mutating func judge(_ price: Price, now: Int64, rules: QualityRules) -> QualityVerdict {
        let value = price.value.raw
        if reference == 0 {
            adopt(value, now: now)
            return .accept
        }
        if needsReset || (now &- referenceTime).magnitude > UInt64(rules.price.referenceMaxAgeNanoseconds) {
            restart(at: value, now: now)
            return .flag(.referenceReset)
        }
        let limit = rules.price.maxDeviationPartsPerMillion
        if rules.price.enabled, !Self.isWithin(value, of: reference, partsPerMillion: limit) {
            return refuse(value, now: now, reason: .priceDeviation, rules: rules)
        }
        var verdict = QualityVerdict.accept
        if rules.zScore.action != .off {
            let stepReturn = Self.double(value - reference) / Self.double(reference)
            if returns.count >= rules.zScore.minSamples {
                let floor = rules.zScore.minSigmaBasisPoints / 10_000
                if returns.isOutlier(stepReturn, threshold: rules.zScore.threshold, sigmaFloor: floor) {
                    if rules.zScore.action == .reject {
                        return refuse(value, now: now, reason: .zScoreOutlier, rules: rules)
                    }
                    verdict = .flag(.zScoreOutlier)
                }
            }
            returns.push(stepReturn)
        }
        adopt(value, now: now)
        return verdict
    }

    /// A raw fixed-point value as a Double, without the generic (and slow) `Double(Int128)`.
    static func double(_ raw: Int128) -> Double {
        if let small = Int64(exactly: raw) { return Double(small) }
        let high = Int64(truncatingIfNeeded: raw >> 64)
        let low = UInt64(truncatingIfNeeded: raw)
        return Double(high) * 18_446_744_073_709_551_616.0 + Double(low)
    }

    /// Whether |value - reference| <= limit ppm of reference, exactly (an overflow is a deviation).
    static func isWithin(_ value: Int128, of reference: Int128, partsPerMillion limit: Int64) -> Bool {
        let difference = value > reference ? value - reference : reference - value
        let (scaledDifference, overflowA) = difference.multipliedReportingOverflow(by: 1_000_000)
        let (scaledLimit, overflowB) = reference.multipliedReportingOverflow(by: Int128(limit))
        if overflowA || overflowB { return false }
        return scaledDifference <= scaledLimit
    }

    private mutating func refuse(_ value: Int128, now: Int64, reason: QualityReason, rules: QualityRules) -> QualityVerdict {
        if candidateCount > 0, Self.isWithin(value, of: candidate, partsPerMillion: rules.price.maxDeviationPartsPerMillion) {
            candidateCount += 1
        } else {
            candidateCount = 1
        }
        candidate = value
        if candidateCount >= rules.price.reanchorAfter {
            restart(at: value, now: now)
            return .flag(.reanchored)
        }
        return .reject(reason)
    }

    private mutating func adopt(_ value: Int128, now: Int64) {
        reference = value
        referenceTime = now
        candidateCount = 0
    }

    private mutating func restart(at value: Int128, now: Int64) {
        adopt(value, now: now)
        needsReset = false
        returns.removeAll()
    }
}
