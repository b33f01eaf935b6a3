import TradingCore

/// The gate between the feed and everything else: every market event is checked here before it
/// reaches a strategy, a book, or the database.
///
/// Owned by the host's single event loop and called synchronously for each event, so it has no
/// locks and is not `Sendable`. `now` is the feed's clock: wall-clock receive time when live,
/// the replay clock (event time) in replay, so a replay is judged exactly like the live run.
///
/// Checks, in order (the first failure decides):
/// 1. structure: positive prices; positive trade sizes and book snapshot sizes; candle
///    high/low/open/close consistency and non-negative volume; crossed or locked books;
/// 2. time: not ahead of `now` by more than the skew, not older than the max age;
/// 3. duplicates (trades): a trade id seen on the instrument within the dedup window;
/// 4. price (trades, ticker last, full-book mid, candle close), per stream, against the last
///    accepted price of the same stream: deviation limit, then the rolling z-score. See
///    ``PriceTrack`` for how the reference resets after a gap and re-anchors after a real move.
///
/// Rejections are counted per instrument and reason; `burst.rejections` of them within
/// `burst.window_ms` on one instrument queue a ``QualityAlert`` for the host to drain.
///
/// Book sequence integrity (seqId/prevSeqId, checksums) is the feed's job: it knows the
/// subscription and resynchronises; it tells this gate with ``noteDiscontinuity(instrument:)``.
public final class QualityControl {
    public let configuration: QualityConfiguration
    private var states: [InstrumentId: InstrumentQualityState] = [:]
    // Per-event state skips Swift's dynamic exclusivity checks (one event loop, no re-entry).
    /// The last instrument's state: consecutive events of one instrument skip the dictionary. It
    /// is not retained (``states`` keeps every state for good), so using it costs no reference
    /// counting, which was a tenth of a check.
    @exclusivity(unchecked) private var lastState: Unmanaged<InstrumentQualityState>?
    @exclusivity(unchecked) private var alerts: [QualityAlert] = []
    /// Alerts raised since the start (drained or not).
    public private(set) var alertsRaised: UInt64 = 0

    public init(configuration: QualityConfiguration = .standard) {
        self.configuration = configuration
    }

    // MARK: - Checks

    /// Checks one event at feed-clock time `now` and counts the verdict.
    public func check(_ event: MarketEvent, now: Timestamp) -> QualityVerdict {
        switch event {
        case .trade(let trade): check(trade: trade, now: now)
        case .ticker(let ticker): check(ticker: ticker, now: now)
        case .candle(let candle): check(candle: candle, now: now)
        case .book(let book): check(book: book, now: now)
        }
    }

    /// Checks one trade: positive price and size, time, duplicate id, price deviation and z-score.
    public func check(trade: TradeTick, now: Timestamp) -> QualityVerdict {
        withState(for: trade.instrument) { state in
            record(judge(trade: trade, state: state, now: now.nanosecondsSinceEpoch), in: state, now: now)
        }
    }

    /// Checks one ticker: positive prices, time, its last price against the ticker stream's
    /// reference; a crossed or locked best bid/ask is flagged (its last price is still good).
    public func check(ticker: Ticker, now: Timestamp) -> QualityVerdict {
        withState(for: ticker.instrument) { state in
            record(judge(ticker: ticker, state: state, now: now.nanosecondsSinceEpoch), in: state, now: now)
        }
    }

    /// Checks one candle: positive prices, consistency, non-negative volume, time (age from the
    /// bar's end), its close against the reference of candles of the same interval.
    public func check(candle: Candle, now: Timestamp) -> QualityVerdict {
        withState(for: candle.instrument) { state in
            record(judge(candle: candle, state: state, now: now.nanosecondsSinceEpoch), in: state, now: now)
        }
    }

    /// Checks one book message: positive level prices, positive sizes in a full book (an update's
    /// zero size deletes a level), not crossed or locked, time, and a full book's mid against
    /// the book stream's reference. An update carries only changed levels, so it is crossed
    /// only if its own new levels cross; use ``checkAppliedBook(_:now:)`` on the book after applying it.
    public func check(book: BookUpdate, now: Timestamp) -> QualityVerdict {
        withState(for: book.instrument) { state in
            record(judge(book: book, state: state, now: now.nanosecondsSinceEpoch), in: state, now: now)
        }
    }

    /// Checks a book after an incremental update was applied: crossed or locked best levels mean
    /// the local book is wrong (a missed or misapplied message), so the feed should resubscribe.
    public func checkAppliedBook(_ book: OrderBook, now: Timestamp) -> QualityVerdict {
        withState(for: book.instrument) { state in
            record(book.isCrossedOrLocked ? crossedVerdict(state.rules) : .accept, in: state, now: now)
        }
    }

    // MARK: - Feed discontinuities

    /// The feed reconnected, resubscribed, or lost messages for `instrument`: the next price of
    /// each of its streams is accepted (flagged `reference_reset`) and becomes the reference, and
    /// the z-score windows restart. Remembered trade ids are kept: duplicates are most likely
    /// right after a reconnect.
    public func noteDiscontinuity(instrument: InstrumentId) {
        states[instrument]?.markDiscontinuity()
    }

    /// ``noteDiscontinuity(instrument:)`` for every instrument (the whole connection dropped).
    public func noteDiscontinuityForAllInstruments() {
        for state in states.values { state.markDiscontinuity() }
    }

    // MARK: - Alerts, status, metrics

    /// Whether alerts wait to be drained (cheap to poll after each event).
    public var hasPendingAlerts: Bool { !alerts.isEmpty }

    /// Returns and forgets the alerts raised since the last drain, oldest first.
    public func drainAlerts() -> [QualityAlert] {
        defer { alerts.removeAll(keepingCapacity: true) }
        return alerts
    }

    /// Counters per instrument since the start, for `runtime status`.
    public func snapshot(at now: Timestamp) -> QualitySnapshot {
        let entries = states.values.sorted { $0.instrument < $1.instrument }.map { state in
            QualitySnapshot.InstrumentEntry(
                instrument: state.instrument, counters: state.counters, dedupEntries: state.dedup.count,
                dedupCapacity: state.dedup.capacity, dedupEarlyEvictions: state.dedup.earlyEvictions,
                lastRejection: state.lastRejection,
                lastRejectionAt: state.lastRejection == nil ? nil : Timestamp(nanosecondsSinceEpoch: state.lastRejectionAt))
        }
        return QualitySnapshot(takenAt: now, instruments: entries, alertsRaised: alertsRaised)
    }

    /// The `system_metrics` rows (category `data_quality`) for the interval since the previous
    /// call: counts are deltas, only instruments and reasons with activity get rows.
    public func drainMetrics(at now: Timestamp) -> [QualityMetric] {
        var rows: [QualityMetric] = []
        for state in states.values.sorted(by: { $0.instrument < $1.instrument }) {
            let current = state.counters
            let previous = state.countersAtLastDrain
            let evictions = state.dedup.earlyEvictions &- state.earlyEvictionsAtLastDrain
            guard current.checked != previous.checked || evictions != 0 else { continue }
            let instrument = state.instrument.symbol
            func row(_ name: String, _ value: UInt64, reason: QualityReason? = nil) -> QualityMetric {
                var tags = ["instrument": instrument]
                if let reason { tags["reason"] = reason.rawValue }
                return QualityMetric(timestamp: now, name: name, value: FixedPoint(Int(clamping: value)), tags: tags)
            }
            rows.append(row("events_checked", current.checked &- previous.checked))
            rows.append(row("events_accepted", current.accepted &- previous.accepted))
            rows.append(row("events_flagged", current.flagged &- previous.flagged))
            rows.append(row("events_rejected", current.rejected &- previous.rejected))
            for reason in QualityReason.allCases {
                let flags = current.flags(for: reason) &- previous.flags(for: reason)
                if flags > 0 { rows.append(row("events_flagged", flags, reason: reason)) }
                let rejections = current.rejections(for: reason) &- previous.rejections(for: reason)
                if rejections > 0 { rows.append(row("events_rejected", rejections, reason: reason)) }
            }
            if evictions > 0 { rows.append(row("dedup_early_evictions", evictions)) }
            state.countersAtLastDrain = current
            state.earlyEvictionsAtLastDrain = state.dedup.earlyEvictions
        }
        return rows
    }

    // MARK: - Internals (also used by tests)

    /// The state of `instrument`, created with its resolved rules on first sight.
    func state(for instrument: InstrumentId) -> InstrumentQualityState {
        withState(for: instrument) { $0 }
    }

    /// `body` on the state of `instrument` (see ``state(for:)``), without retaining it.
    private func withState<Result>(for instrument: InstrumentId, _ body: (InstrumentQualityState) -> Result) -> Result {
        if let last = lastState, last._withUnsafeGuaranteedRef({ $0.instrument == instrument }) {
            return last._withUnsafeGuaranteedRef(body)
        }
        return body(findState(for: instrument))
    }

    /// The state of `instrument` through the dictionary, created on first sight; it becomes the last state.
    private func findState(for instrument: InstrumentId) -> InstrumentQualityState {
        let state: InstrumentQualityState
        if let existing = states[instrument] {
            state = existing
        } else {
            state = InstrumentQualityState(instrument: instrument, rules: configuration.rules(for: instrument))
            states[instrument] = state
        }
        lastState = Unmanaged.passUnretained(state)
        return state
    }

    private func record(_ verdict: QualityVerdict, in state: InstrumentQualityState, now: Timestamp) -> QualityVerdict {
        state.counters.count(verdict)
        if case .reject(let reason) = verdict {
            state.lastRejection = reason
            state.lastRejectionAt = now.nanosecondsSinceEpoch
            if state.rules.burst.enabled,
               let burst = state.burst.record(reason, now: now.nanosecondsSinceEpoch, rules: state.rules.burst) {
                alertsRaised += 1
                alerts.append(QualityAlert(
                    instrument: state.instrument, raisedAt: now, firstRejectionAt: Timestamp(nanosecondsSinceEpoch: burst.first),
                    rejections: burst.rejections, threshold: state.rules.burst.rejections,
                    windowNanoseconds: state.rules.burst.windowNanoseconds, dominantReason: burst.dominantReason))
            }
        }
        return verdict
    }

    private func crossedVerdict(_ rules: QualityRules) -> QualityVerdict {
        rules.book.crossedAction == .reject ? .reject(.crossedBook) : .flag(.crossedBook)
    }

    /// The time verdict for an event stamped `eventTime` whose age counts from `ageFrom`.
    private func timing(eventTime: Int64, ageFrom: Int64, now: Int64, rules: QualityRules.TimestampRules) -> QualityVerdict {
        guard rules.enabled else { return .accept }
        if eventTime &- now > rules.futureSkewNanoseconds { return .reject(.futureTimestamp) }
        if now &- ageFrom > rules.maxAgeNanoseconds { return .reject(.staleTimestamp) }
        return .accept
    }

    private func judge(trade: TradeTick, state: InstrumentQualityState, now: Int64) -> QualityVerdict {
        guard trade.price.value.raw > 0 else { return .reject(.nonPositivePrice) }
        guard trade.quantity.value.raw > 0 else { return .reject(.nonPositiveSize) }
        let rules = state.rules
        let eventTime = trade.timestamp.nanosecondsSinceEpoch
        let time = timing(eventTime: eventTime, ageFrom: eventTime, now: now, rules: rules.timestamp)
        guard time == .accept else { return time }
        if rules.dedup.enabled {
            let key = DedupKey(trade.tradeId)
            state.dedup.forgetExpired(now: now)
            if state.dedup.contains(key) { return .reject(.duplicate) }
            state.dedup.insert(key, time: eventTime)
        }
        return state.trades.judge(trade.price, now: now, rules: rules)
    }

    private func judge(ticker: Ticker, state: InstrumentQualityState, now: Int64) -> QualityVerdict {
        guard ticker.last.value.raw > 0 else { return .reject(.nonPositivePrice) }
        if let bid = ticker.bidPrice, bid.value.raw <= 0 { return .reject(.nonPositivePrice) }
        if let ask = ticker.askPrice, ask.value.raw <= 0 { return .reject(.nonPositivePrice) }
        var verdict = QualityVerdict.accept
        if let bid = ticker.bidPrice, let ask = ticker.askPrice, bid >= ask { verdict = .flag(.crossedBook) }
        let eventTime = ticker.timestamp.nanosecondsSinceEpoch
        let time = timing(eventTime: eventTime, ageFrom: eventTime, now: now, rules: state.rules.timestamp)
        guard time == .accept else { return time }
        return state.tickers.judge(ticker.last, now: now, rules: state.rules).combined(with: verdict)
    }

    private func judge(candle: Candle, state: InstrumentQualityState, now: Int64) -> QualityVerdict {
        let open = candle.open.value.raw, high = candle.high.value.raw
        let low = candle.low.value.raw, close = candle.close.value.raw
        guard open > 0, high > 0, low > 0, close > 0 else { return .reject(.nonPositivePrice) }
        guard high >= open, high >= close, high >= low, low <= open, low <= close else { return .reject(.candleInconsistent) }
        guard !candle.volume.value.isNegative, candle.volumeCurrency?.value.isNegative != true,
              candle.volumeQuote?.value.isNegative != true else { return .reject(.candleInconsistent) }
        let openTime = candle.openTime.nanosecondsSinceEpoch
        let barEnd = openTime &+ candle.interval.seconds &* 1_000_000_000
        let time = timing(eventTime: openTime, ageFrom: barEnd, now: now, rules: state.rules.timestamp)
        guard time == .accept else { return time }
        return state.candles[InstrumentQualityState.candleSlot(candle.interval)].judge(candle.close, now: now, rules: state.rules)
    }

    private func judge(book: BookUpdate, state: InstrumentQualityState, now: Int64) -> QualityVerdict {
        let isFullBook = book.action == .snapshot || book.channel.isFullSnapshotEachPush
        // Best levels found by scanning (not trusting the order), ignoring deletions (size 0).
        var bestBid: Int128 = 0
        var bestAsk: Int128 = 0
        for level in book.bids {
            let price = level.price.value.raw, size = level.size.value.raw
            guard price > 0 else { return .reject(.nonPositivePrice) }
            guard size > 0 || (size == 0 && !isFullBook) else { return .reject(.nonPositiveSize) }
            if size > 0, price > bestBid { bestBid = price }
        }
        for level in book.asks {
            let price = level.price.value.raw, size = level.size.value.raw
            guard price > 0 else { return .reject(.nonPositivePrice) }
            guard size > 0 || (size == 0 && !isFullBook) else { return .reject(.nonPositiveSize) }
            if size > 0, bestAsk == 0 || price < bestAsk { bestAsk = price }
        }
        var verdict = QualityVerdict.accept
        if bestBid > 0, bestAsk > 0, bestBid >= bestAsk {
            verdict = crossedVerdict(state.rules)
            if case .reject = verdict { return verdict }
        }
        let eventTime = book.timestamp.nanosecondsSinceEpoch
        let time = timing(eventTime: eventTime, ageFrom: eventTime, now: now, rules: state.rules.timestamp)
        guard time == .accept else { return time }
        guard isFullBook, bestBid > 0, bestAsk > 0 else { return verdict }
        // Halving the difference cannot overflow, whatever the (positive) prices.
        let mid = Price(FixedPoint(raw: bestBid + (bestAsk - bestBid) / 2))
        return state.bookMids.judge(mid, now: now, rules: state.rules).combined(with: verdict)
    }
}
