import TradingCore

/// A strategy's state for each of its instruments, updated in place.
///
/// Make one with ``StrategyContext/perInstrument(_:)`` in the strategy's `init`, keep it in a
/// `let`, and reach an instrument's state by subscript:
///
/// ```swift
/// struct Trend { var fast: SimpleMovingAverage; var slow: SimpleMovingAverage }
/// let trends: PerInstrument<Trend>
/// // init:
/// trends = try context.perInstrument { _ in Trend(fast: try SimpleMovingAverage(period: 6), slow: try SimpleMovingAverage(period: 24)) }
/// // onBar:
/// trends[bar.instrument].fast.update(bar.close.double)
/// ```
///
/// The subscript's mutation happens in the stored state itself: no copy of the state (or of an
/// indicator's window) is taken out and written back, whatever the state holds. Finding the
/// instrument costs one comparison while events of one instrument come in a run, and a short scan
/// of the manifest's instruments otherwise; no hashing, no dictionary. The speed comes from this
/// type, not from attributes in strategy code: it skips Swift's dynamic exclusivity checks, which
/// is safe because the host calls a strategy from one event loop and a subscript access never
/// spans a call back into the same `PerInstrument`. (Do not hold `trends[a]` in an `inout` while
/// reaching `trends[b]` inside it.)
///
/// The state of an instrument outside the manifest is made by the same closure the first time it
/// is reached (the host never delivers such events; a strategy can still ask). Not thread-safe,
/// like the context.
public final class PerInstrument<State> {
    /// The instruments with state, the manifest's first, in manifest order.
    public var instruments: [InstrumentId] { ids }
    @usableFromInline @exclusivity(unchecked) var ids: [InstrumentId]
    @usableFromInline @exclusivity(unchecked) var states: [State]
    /// The index of the last instrument reached: events of one instrument come in runs.
    @usableFromInline @exclusivity(unchecked) var lastIndex = 0
    @usableFromInline let make: (InstrumentId) throws -> State

    /// Creates the state of each of `instruments` with `make`, in order.
    /// - Throws: what `make` throws (e.g. an indicator refusing its period).
    public init(instruments: [InstrumentId], _ make: @escaping (InstrumentId) throws -> State) throws {
        var unique: [InstrumentId] = []
        for instrument in instruments where !unique.contains(instrument) { unique.append(instrument) }
        var states: [State] = []
        states.reserveCapacity(unique.count)
        for instrument in unique { states.append(try make(instrument)) }
        self.ids = unique
        self.states = states
        self.make = make
    }

    /// The state of `instrument`, read or mutated in place.
    @inlinable public subscript(instrument: InstrumentId) -> State {
        // Read in place too: a `get` would copy the whole state (and retain every indicator's
        // window) to hand out one field of it.
        _read { yield states[index(of: instrument)] }
        _modify {
            let index = index(of: instrument)
            yield &states[index]
        }
    }

    /// Calls `body` with each instrument and its state, in manifest order.
    public func forEach(_ body: (InstrumentId, State) throws -> Void) rethrows {
        for index in states.indices { try body(ids[index], states[index]) }
    }

    @inlinable func index(of instrument: InstrumentId) -> Int {
        if lastIndex < ids.count, ids[lastIndex] == instrument { return lastIndex }
        return findIndex(of: instrument)
    }

    /// The slow path of ``index(of:)``: a scan, or a new state for an instrument outside the manifest.
    @usableFromInline func findIndex(of instrument: InstrumentId) -> Int {
        if let index = ids.firstIndex(of: instrument) {
            lastIndex = index
            return index
        }
        do {
            states.append(try make(instrument))
        } catch {
            // The closure made every manifest instrument's state; one that refuses another
            // instrument leaves no state to hand out.
            fatalError("PerInstrument: the state closure threw for \(instrument), which is not one of the strategy's instruments (\(ids.map(\.symbol).joined(separator: ", "))): \(error)")
        }
        ids.append(instrument)
        lastIndex = ids.count - 1
        return lastIndex
    }
}

extension StrategyContext {
    /// State for each of the strategy's instruments, made by `make` (called once per instrument,
    /// in manifest order): see ``PerInstrument``.
    ///
    /// ```swift
    /// bands = try context.perInstrument { _ in try RollingStatistics(period: parameters.window) }
    /// bands[bar.instrument].update(bar.close.double)
    /// ```
    /// - Throws: what `make` throws.
    public func perInstrument<State>(_ make: @escaping (InstrumentId) throws -> State) throws -> PerInstrument<State> {
        try PerInstrument(instruments: instrumentIds, make)
    }
}
