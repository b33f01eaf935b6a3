/// Verdict counts of one instrument, with a slot per reason: fixed size, counted in place.
public struct QualityCounters: Hashable, Sendable {
    /// Events checked (accepted + flagged + rejected).
    public private(set) var checked: UInt64 = 0
    /// Events accepted without a flag.
    public private(set) var accepted: UInt64 = 0
    /// Events accepted with a flag.
    public private(set) var flagged: UInt64 = 0
    /// Events rejected.
    public private(set) var rejected: UInt64 = 0
    private var flagsByReason = [UInt64](repeating: 0, count: QualityReason.allCases.count)
    private var rejectionsByReason = [UInt64](repeating: 0, count: QualityReason.allCases.count)

    /// All zero.
    public init() {}

    mutating func count(_ verdict: QualityVerdict) {
        checked &+= 1
        switch verdict {
        case .accept: accepted &+= 1
        case .flag(let reason):
            flagged &+= 1
            flagsByReason[reason.index] &+= 1
        case .reject(let reason):
            rejected &+= 1
            rejectionsByReason[reason.index] &+= 1
        }
    }

    /// How many events were flagged for `reason`.
    public func flags(for reason: QualityReason) -> UInt64 { flagsByReason[reason.index] }
    /// How many events were rejected for `reason`.
    public func rejections(for reason: QualityReason) -> UInt64 { rejectionsByReason[reason.index] }

    /// Flag counts by reason, non-zero only.
    public var flagsByReasonCode: [QualityReason: UInt64] {
        Dictionary(uniqueKeysWithValues: QualityReason.allCases.compactMap { flags(for: $0) > 0 ? ($0, flags(for: $0)) : nil })
    }

    /// Rejection counts by reason, non-zero only.
    public var rejectionsByReasonCode: [QualityReason: UInt64] {
        Dictionary(uniqueKeysWithValues: QualityReason.allCases.compactMap { rejections(for: $0) > 0 ? ($0, rejections(for: $0)) : nil })
    }
}
