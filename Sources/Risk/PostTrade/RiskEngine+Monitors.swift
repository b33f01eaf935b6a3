import TradingCore

extension RiskEngine {
    /// Feeds a strategy's equity (allocated capital + realized + unrealized PnL, marked to
    /// market) at event time `time`. Checks max_daily_loss (against the equity at 00:00 UTC)
    /// and max_drawdown_pct (against peak equity): at `reduce_at_pct_of_limit` of a limit the
    /// strategy goes reduce-only, at the limit it halts. Also checks the account's daily loss,
    /// which engages the kill switch.
    @discardableResult
    public func recordEquity(_ equity: Money, for name: StrategyName, at time: Timestamp) -> StrategyTransition? {
        guard let index = handles[name] else { return nil }
        let handle = StrategyHandle(index: index)
        let transition = observe(equity, strategy: handle, at: time) ? tightenForEquityLimits(handle, at: time) : nil
        checkAccountDailyLoss(at: time)
        return transition
    }

    /// ``recordEquity(_:for:at:)`` for the strategy registered as `handle`, for the host: it
    /// samples equity at every mark, the handle spares it a lookup by name, and a transition
    /// reaches it with the engine's other outputs. (Returning the transition, a large value,
    /// cost a copy of an empty one at every mark.)
    public func recordEquity(_ equity: Money, strategy handle: StrategyHandle, at time: Timestamp) {
        if observe(equity, strategy: handle, at: time) { _ = tightenForEquityLimits(handle, at: time) }
        checkAccountDailyLoss(at: time)
    }

    /// Takes the strategy's equity; true when it breaches a limit or its reduce level.
    private func observe(_ equity: Money, strategy handle: StrategyHandle, at time: Timestamp) -> Bool {
        withBook(handle.index) { book in
            book.monitors.observe(equity: equity, at: time)
            return dailyLossBreach(of: book) != nil || drawdownBreach(of: book) != nil
        }
    }

    /// Halts the strategy, or makes it reduce-only, for the equity limits it breaches.
    private func tightenForEquityLimits(_ handle: StrategyHandle, at time: Timestamp) -> StrategyTransition? {
        let book = books[handle.index]
        var transition: StrategyTransition?
        if let (limit, breach) = dailyLossBreach(of: book) {
            transition = tighten(book, on: breach, metricName: "daily_loss", value: book.monitors.dailyLoss.value, limit: limit,
                                 describe: "daily loss since 00:00 UTC", at: time) ?? transition
        }
        // Asked again: a halt for the daily loss leaves no reduce-only step for the drawdown.
        if let (limit, breach) = drawdownBreach(of: book) {
            transition = tighten(book, on: breach, metricName: "drawdown_pct", value: book.monitors.drawdownPct, limit: limit,
                                 describe: "drawdown from peak equity (%)", at: time) ?? transition
        }
        return transition
    }

    /// Feeds the realized PnL of a closed (or reduced) trade: a loss extends the run of
    /// consecutive losses, a gain ends it, zero leaves it. At max_consecutive_losses the
    /// strategy halts (reduce-only from `reduce_at_pct_of_limit` of it).
    @discardableResult
    public func recordClosedTrade(realizedPnL: Money, for name: StrategyName, at time: Timestamp) -> StrategyTransition? {
        guard let index = handles[name] else { return nil }
        let book = books[index]
        if realizedPnL.isNegative {
            book.monitors.consecutiveLosses += 1
        } else if realizedPnL.value.isPositive {
            book.monitors.consecutiveLosses = 0
        }
        guard let limit = book.limits.maxConsecutiveLosses.map(FixedPoint.init),
              let breach = breach(of: book, value: FixedPoint(book.monitors.consecutiveLosses), limit: limit) else { return nil }
        return tighten(book, on: breach, metricName: "consecutive_losses", value: FixedPoint(book.monitors.consecutiveLosses),
                       limit: limit, describe: "consecutive losing trades", at: time)
    }

    /// A strategy threw from one of its callbacks: it is halted alone, the others keep trading.
    @discardableResult
    public func strategyDidThrow(_ name: StrategyName, error: String, at time: Timestamp) -> StrategyTransition? {
        guard let index = handles[name] else { return nil }
        let book = books[index]
        let description = "strategy threw: \(error)"
        if let transition = tighten(book, to: .halted, eventType: .strategyError, description: description, metric: nil, at: time) {
            return transition
        }
        outbox.append(.event(RiskEvent(eventType: .strategyError, severity: .warning, strategy: name, symbol: nil,
                                       description: description + " (already \(book.state.rawValue))", metricName: nil,
                                       metricValue: nil, thresholdValue: nil, actionTaken: "none", createdAt: time)))
        return nil
    }

    /// A data-quality alert for an instrument: no strategy takes new exposure on it until
    /// ``dataQualityRecovered(instrument:at:)``. A critical alert also moves every active
    /// strategy trading the instrument to reduce-only (an operator resumes it).
    @discardableResult
    public func dataQualityAlert(instrument: InstrumentId, severity: RiskSeverity, description: String,
                                 at time: Timestamp) -> [StrategyTransition] {
        var transitions: [StrategyTransition] = []
        outbox.append(.event(RiskEvent(eventType: .dataQuality, severity: severity, strategy: nil, symbol: instrument.symbol,
                                       description: "data-quality alert: \(description); no new exposure on \(instrument.symbol)",
                                       metricName: "data_quality", metricValue: .one, thresholdValue: .zero,
                                       actionTaken: severity == .critical ? "reducing" : "no_new_exposure", createdAt: time)))
        for book in books {
            guard let slotIndex = book.slotIndex(of: instrument) else { continue }
            book.slots[slotIndex].dataQualityAlert = true
            if severity == .critical,
               let transition = tighten(book, to: .reducing, eventType: .dataQuality,
                                        description: "critical data-quality alert on \(instrument.symbol): \(description)",
                                        metric: RiskBreachMetric(name: "data_quality", value: .one, threshold: .zero,
                                                                 symbol: instrument.symbol), at: time) {
                transitions.append(transition)
            }
        }
        return transitions
    }

    /// The instrument's data is trustworthy again: new exposure is allowed (strategy states are
    /// not loosened; that is an operator's call).
    public func dataQualityRecovered(instrument: InstrumentId, at time: Timestamp) {
        var affected = false
        for book in books {
            guard let slotIndex = book.slotIndex(of: instrument), book.slots[slotIndex].dataQualityAlert else { continue }
            book.slots[slotIndex].dataQualityAlert = false
            affected = true
        }
        if affected {
            outbox.append(.event(RiskEvent(eventType: .dataQuality, severity: .info, strategy: nil, symbol: instrument.symbol,
                                           description: "data quality of \(instrument.symbol) recovered; new exposure allowed again",
                                           metricName: "data_quality", metricValue: .zero, thresholdValue: .zero,
                                           actionTaken: "none", createdAt: time)))
        }
    }

    /// What a monitored value calls for: at the limit a halt; from `reduce_at_pct_of_limit` of it,
    /// reduce-only (at `level`).
    private enum Breach {
        case halt
        case reduce(level: FixedPoint)
    }

    /// max_daily_loss's breach for the strategy in `book`, with the limit; nil when it has none.
    /// (This and the next are asked at every mark: inlined, they cost no more than the checks.)
    @inline(__always)
    private func dailyLossBreach(of book: StrategyBook) -> (limit: FixedPoint, breach: Breach)? {
        guard let limit = book.limits.maxDailyLoss?.value,
              let breach = breach(of: book, value: book.monitors.dailyLoss.value, limit: limit) else { return nil }
        return (limit, breach)
    }

    /// max_drawdown_pct's breach for the strategy in `book`, with the limit; nil when it has none.
    @inline(__always)
    private func drawdownBreach(of book: StrategyBook) -> (limit: FixedPoint, breach: Breach)? {
        guard let limit = book.limits.maxDrawdownPct,
              let breach = breach(of: book, value: book.monitors.drawdownPct, limit: limit) else { return nil }
        return (limit, breach)
    }

    /// Whether `value` breaches `limit` or its reduce level, for a strategy in `book`'s state.
    private func breach(of book: StrategyBook, value: FixedPoint, limit: FixedPoint) -> Breach? {
        if value >= limit { return .halt }
        // Checked on every mark: the reduce level (a division) is worked out only once a
        // transition to reduce-only could happen at all.
        guard account.reduceAtPercentOfLimit < FixedPoint(100), book.state.canTransition(to: .reducing, by: .riskEngine) else {
            return nil
        }
        let reduceLevel = (try? limit.multiplied(by: account.reduceAtPercentOfLimit, rounding: .up))?.dividedOrZero(by: FixedPoint(100))
        guard let reduceLevel, value >= reduceLevel else { return nil }
        return .reduce(level: reduceLevel)
    }

    /// Halts the strategy, or makes it reduce-only, for `breach` (nil when its state already is that or tighter).
    private func tighten(_ book: StrategyBook, on breach: Breach, metricName: String, value: FixedPoint, limit: FixedPoint,
                         describe: String, at time: Timestamp) -> StrategyTransition? {
        switch breach {
        case .halt:
            return tighten(book, to: .halted, eventType: .limitBreach,
                           description: "\(describe) \(value) reached the limit \(limit): halted",
                           metric: RiskBreachMetric(name: metricName, value: value, threshold: limit, symbol: nil), at: time)
        case .reduce(let level):
            return tighten(book, to: .reducing, eventType: .limitBreach,
                           description: "\(describe) \(value) reached \(account.reduceAtPercentOfLimit)% of the limit \(limit): "
                               + "reduce-only",
                           metric: RiskBreachMetric(name: metricName, value: value, threshold: level, symbol: nil), at: time)
        }
    }

    private func checkAccountDailyLoss(at time: Timestamp) {
        guard let limit = account.maxDailyLoss?.value, !killSwitchEngaged else { return }
        let today = time.utcDayNumber
        var loss = FixedPoint.zero
        for book in books where book.monitors.utcDay == today {
            if let open = book.monitors.dayOpenEquity, let last = book.monitors.lastEquity { loss += (open - last).value }
        }
        if loss >= limit {
            engageKillSwitch(reason: "account daily loss \(loss) reached max_daily_loss \(limit)", by: nil, at: time)
        }
    }
}
