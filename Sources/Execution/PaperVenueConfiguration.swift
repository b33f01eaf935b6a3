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
    /// Ticks added against the taker when an order takes without a book (trade and bar
    /// execution): a buy pays the price point plus this many ticks, a sell gets it minus them.
    /// A book, when there is one, prices takers itself and this does not apply.
    public var slippageTicks: Int

    public init(fees: FeeSchedule = FeeSchedule(), latencyMilliseconds: Int64 = 0, orderIdSessionTag: String = "",
                slippageTicks: Int = 1) {
        self.fees = fees
        self.latencyNanoseconds = latencyMilliseconds * 1_000_000
        self.orderIdSessionTag = orderIdSessionTag
        self.slippageTicks = max(0, slippageTicks)
    }
}
