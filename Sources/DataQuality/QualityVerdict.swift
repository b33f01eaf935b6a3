/// The outcome of one quality check.
public enum QualityVerdict: Hashable, Sendable {
    /// The event is good; pass it on.
    case accept
    /// The event is passed on, with a warning that is counted under the reason.
    case flag(QualityReason)
    /// The event must not reach strategies or the database.
    case reject(QualityReason)

    /// Whether the event may be passed on (accepted or flagged).
    @inlinable public var isAccepted: Bool {
        if case .reject = self { return false }
        return true
    }

    /// The reason of a flag or rejection; nil for a plain accept.
    @inlinable public var reason: QualityReason? {
        switch self {
        case .accept: nil
        case .flag(let reason), .reject(let reason): reason
        }
    }

    /// The more severe of two verdicts (reject over flag over accept; on a tie, `self`).
    func combined(with other: QualityVerdict) -> QualityVerdict {
        switch (self, other) {
        case (.reject, _): self
        case (_, .reject): other
        case (.flag, _): self
        case (_, .flag): other
        default: self
        }
    }
}
