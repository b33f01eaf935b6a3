import TradingCore

/// Settings of the paper venue (config/runtime.yaml, section `paper:`).
public struct PaperVenueConfiguration: Hashable, Sendable {
    /// Maker/taker fee rates per instrument kind.
    public var fees: FeeSchedule
    /// Time from a request (submit, cancel, amend) to its effect on the venue, in event time.
    /// Orders match against the book as it stands when they arrive.
    public var latencyNanoseconds: Int64
    /// Part of every venue order id, `PAPER-<tag>-<sequence>`, so ids from different runs never
    /// collide in the `trades` table (its okx_order_id is unique). The host passes something
    /// unique per run, e.g. the run's start time; empty gives `PAPER-<sequence>`.
    public var orderIdSessionTag: String

    public init(fees: FeeSchedule = FeeSchedule(), latencyMilliseconds: Int64 = 0, orderIdSessionTag: String = "") {
        self.fees = fees
        self.latencyNanoseconds = latencyMilliseconds * 1_000_000
        self.orderIdSessionTag = orderIdSessionTag
    }
}
