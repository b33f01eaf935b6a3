import TradingCore

/// Account-wide risk settings: the `risk:` section of config/runtime.yaml.
///
/// - `max_gross_notional`: quote currency, the gross notional of every strategy's positions
///   and open orders together. No default.
/// - `max_daily_loss`: quote currency, all strategies together since 00:00 UTC; a breach
///   engages the kill switch. No default.
/// - `stale_data_after_ms`: an instrument whose last market data is older than this takes no
///   new exposure. Default 5000.
/// - `reduce_at_pct_of_limit`: a post-trade monitor moves a strategy to reduce-only once its
///   metric reaches this share of its limit; at the full limit it halts. Default 80.
/// - `rejection_summary_window_ms`: identical rejections (same strategy, instrument, check)
///   after the first are counted and written as one summary event per window. Default 60000.
/// - `outbox_capacity`: risk events and transitions held for the host to drain before newer
///   ones are counted as dropped. Default 10000.
/// - `kill_switch`: start with the kill switch engaged. Default false.
/// - `actions`: the default per-check action (`reject` or `trim`); a manifest may override it.
public struct AccountRiskLimits: Sendable, Hashable, Decodable {
    /// `max_gross_notional` (see the type's documentation for unit and default).
    public var maxGrossNotional: Money?
    /// `max_daily_loss` (see the type's documentation for unit and default).
    public var maxDailyLoss: Money?
    /// `stale_data_after_ms` (see the type's documentation for unit and default).
    public var staleDataAfterMilliseconds: Int64
    /// `reduce_at_pct_of_limit` (see the type's documentation for unit and default).
    public var reduceAtPercentOfLimit: FixedPoint
    /// `rejection_summary_window_ms` (see the type's documentation for unit and default).
    public var rejectionSummaryWindowMilliseconds: Int64
    /// `outbox_capacity` (see the type's documentation for unit and default).
    public var outboxCapacity: Int
    /// `kill_switch` (see the type's documentation for unit and default).
    public var killSwitchEngagedAtStart: Bool
    /// `actions` (see the type's documentation for unit and default).
    public var actions: RiskActions

    /// The keys this type reads; any other key is refused.
    public static let fieldNames = ["max_gross_notional", "max_daily_loss", "stale_data_after_ms", "reduce_at_pct_of_limit",
                                    "rejection_summary_window_ms", "outbox_capacity", "kill_switch", "actions"]

    /// Creates limits in code (tests, tools); the runtime decodes them from YAML or JSON.
    public init(maxGrossNotional: Money? = nil, maxDailyLoss: Money? = nil, staleDataAfterMilliseconds: Int64 = 5_000,
                reduceAtPercentOfLimit: FixedPoint = FixedPoint(80), rejectionSummaryWindowMilliseconds: Int64 = 60_000,
                outboxCapacity: Int = 10_000, killSwitchEngagedAtStart: Bool = false,
                actions: RiskActions = RiskActions()) {
        self.maxGrossNotional = maxGrossNotional
        self.maxDailyLoss = maxDailyLoss
        self.staleDataAfterMilliseconds = staleDataAfterMilliseconds
        self.reduceAtPercentOfLimit = reduceAtPercentOfLimit
        self.rejectionSummaryWindowMilliseconds = rejectionSummaryWindowMilliseconds
        self.outboxCapacity = outboxCapacity
        self.killSwitchEngagedAtStart = killSwitchEngagedAtStart
        self.actions = actions
    }

    public init(from decoder: any Decoder) throws {
        let reader = try LimitFieldReader(decoder, known: Self.fieldNames)
        let defaults = AccountRiskLimits()
        maxGrossNotional = try reader.positiveDecimal("max_gross_notional").map(Money.init)
        maxDailyLoss = try reader.positiveDecimal("max_daily_loss").map(Money.init)
        staleDataAfterMilliseconds = Int64(try reader.integer("stale_data_after_ms", in: 1...86_400_000)
                                           ?? Int(defaults.staleDataAfterMilliseconds))
        reduceAtPercentOfLimit = try reader.positiveDecimal("reduce_at_pct_of_limit", maximum: FixedPoint(100),
                                                            reason: "100 means: never reduce-only, halt at the limit")
            ?? defaults.reduceAtPercentOfLimit
        rejectionSummaryWindowMilliseconds = Int64(try reader.integer("rejection_summary_window_ms", in: 1_000...86_400_000)
                                                   ?? Int(defaults.rejectionSummaryWindowMilliseconds))
        outboxCapacity = try reader.integer("outbox_capacity", in: 100...10_000_000) ?? defaults.outboxCapacity
        killSwitchEngagedAtStart = try reader.bool("kill_switch") ?? false
        actions = try reader.actions("actions") ?? RiskActions()
    }
}
