import MarketData
import RuntimeHost

/// Feeding recordings: the JSONL of OKX frames `runtime record` writes (or raw frame files), as
/// `runtime replay` plays them.
extension StrategyTester {
    /// Plays a recording through the engine, frame by frame on event time, exactly as
    /// `runtime replay FILE --no-persist` does, except that the strategy is not stopped at the
    /// end (call ``finish()`` for that) and more events may follow. The clock ends at the last
    /// event's time. Events the data-quality gate refuses are counted in ``summary`` (a recording
    /// is what the exchange sent; the tester does not throw for them).
    ///
    /// A relative `path` is relative to the package of the calling file (see
    /// ``init(_:manifest:parameters:start:settings:catalog:file:)``).
    /// - Throws: ``StrategyTesterError`` naming the file and line of a bad line, or when the tester
    ///   has finished. What played before a bad line stays played.
    public func replay(recording path: String, file: StaticString = #filePath) throws {
        try replay(recordings: [path], file: file)
    }

    /// Plays several recordings merged by time (ties in argument order), as `runtime replay` does.
    public func replay(recordings paths: [String], file: StaticString = #filePath) throws {
        guard !finished else { throw StrategyTesterError("the tester has finished (finish() stopped the strategy); build a new one") }
        let urls = try paths.map { try PackagePath.resolve($0, from: file).path }
        do {
            // Unpaced, as `runtime replay` without --speed: raw frames keep their files' timing.
            let stream = try RecordedFrameStream(paths: urls, rawFrameTiming: .inherited)
            var firstEvent = FirstEventTime()
            while let frame = try stream.next() {
                if !started, !firstEvent.found, let time = firstEvent.check(frame.bytes) {
                    // The engine starts at the recording's first event, not at the tester's clock:
                    // a recording from last year would otherwise be too old for the quality gate.
                    now = time
                    startIfNeeded(at: time)
                }
                engine.handle(frame: frame.bytes, receivedAt: frame.receivedAt)
                collect()
            }
        } catch {
            if engine.clock > now { now = engine.clock }
            throw StrategyTesterError("\(error)")
        }
        if engine.clock > now { now = engine.clock }
    }
}
