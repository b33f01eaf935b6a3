extension Duration {
    /// The duration in whole nanoseconds (the unit of ``Timestamp``), truncated toward zero and
    /// saturating at `Int64`'s bounds, so that a huge setting reads as "forever" instead of
    /// trapping.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, carried) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if carried { return seconds < 0 ? .min : .max }
        return total
    }
}
