import Foundation
import TradingCore

/// Reads and decodes recorded frames on a thread of its own, a few batches ahead of the
/// consumer: a replay's engine runs on one core, and with the file and the JSON on another it
/// never waits for either. Batches come in play order and hold what reading and decoding the
/// frames in place would give, event for event.
///
/// The thread blocks while the consumer is `batchesAhead` batches behind, so memory stays
/// bounded. A consumer that stops before the end calls ``cancel()``.
public final class DecodingFrameReader: @unchecked Sendable {
    private enum Item: Sendable {
        case frames(DecodedFrames)
        case failure(RecordingError)
    }

    private let stream: RecordedFrameStream
    private let framesPerBatch: Int
    private let batchesAhead: Int
    // Guards everything below; the thread waits on it while the consumer is behind.
    private let condition = NSCondition()
    private var ready: [Item] = []
    private var waiting: CheckedContinuation<Item?, Never>?
    private var finished = false
    private var cancelled = false
    private var behind = 0

    /// Starts reading `stream`, which only this reader's thread touches from now on.
    public init(stream: RecordedFrameStream, framesPerBatch: Int = 1024, batchesAhead: Int = 4) {
        self.stream = stream
        self.framesPerBatch = max(1, framesPerBatch)
        self.batchesAhead = max(1, batchesAhead)
        let thread = Thread { [self] in produce() }
        thread.name = "ea-okx.replay-decode"
        thread.start()
    }

    /// The next batch of at most `framesPerBatch` frames; nil after the last.
    /// - Throws: the error of a bad line, after the batches of the frames before it.
    public func next() async throws(RecordingError) -> DecodedFrames? {
        let item = await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            condition.lock()
            if !ready.isEmpty {
                let item = ready.removeFirst()
                condition.signal()
                condition.unlock()
                continuation.resume(returning: item)
            } else if finished || cancelled {
                condition.unlock()
                continuation.resume(returning: nil)
            } else {
                waiting = continuation
                condition.unlock()
            }
        }
        switch item {
        case nil: return nil
        case .frames(let frames): return frames
        case .failure(let error): throw error
        }
    }

    /// Frames that came earlier than the frame played before them (``RecordedFrameStream/framesBehind``),
    /// complete once ``next()`` returned nil.
    public var framesBehind: Int { condition.withLock { behind } }

    /// Stops the thread; batches not yet taken are dropped, and ``next()`` returns nil.
    public func cancel() {
        condition.lock()
        cancelled = true
        ready.removeAll()
        condition.signal()
        let consumer = waiting
        waiting = nil
        condition.unlock()
        consumer?.resume(returning: nil)
    }

    private func produce() {
        let decoder = BatchDecoder(reserving: framesPerBatch)
        do throws(RecordingError) {
            while let frame = try stream.next() {
                decoder.decode(frame)
                if decoder.batch.frameCount == framesPerBatch, !publish(.frames(decoder.take(reserving: framesPerBatch))) { return }
            }
            if decoder.batch.frameCount > 0, !publish(.frames(decoder.take(reserving: 0))) { return }
        } catch {
            if decoder.batch.frameCount > 0, !publish(.frames(decoder.take(reserving: 0))) { return }
            guard publish(.failure(error)) else { return }
        }
        condition.lock()
        finished = true
        behind = stream.framesBehind
        let consumer = waiting
        waiting = nil
        condition.unlock()
        consumer?.resume(returning: nil)
    }

    /// Hands `item` to a waiting consumer or queues it, waiting while the queue is full; false
    /// once cancelled.
    private func publish(_ item: Item) -> Bool {
        condition.lock()
        while ready.count >= batchesAhead, !cancelled { condition.wait() }
        guard !cancelled else {
            condition.unlock()
            return false
        }
        if let consumer = waiting {
            waiting = nil
            condition.unlock()
            consumer.resume(returning: item)
        } else {
            ready.append(item)
            condition.unlock()
        }
        return true
    }
}

/// Decodes frames into a batch; receives the codec's events directly, as the engine does, so a
/// one-item push never becomes a separate array.
private final class BatchDecoder: MarketEventReceiver {
    private var codec = OKXCodec()
    private(set) var batch: DecodedFrames
    private var receivedAt = Timestamp.zero

    init(reserving frames: Int) { batch = DecodedFrames(reservingFrames: frames) }

    func decode(_ frame: RecordedFrame) {
        batch.frameCount += 1
        receivedAt = frame.receivedAt
        do {
            switch try codec.decode(frame.bytes, deliveringTo: self) {
            case .marketEvents: break
            case .control: batch.controlFrames += 1
            case .unsupportedChannel: batch.unsupportedFrames += 1
            }
        } catch {
            batch.failures.append(error)
        }
    }

    /// The batch so far; the next one starts empty.
    func take(reserving frames: Int) -> DecodedFrames {
        defer { batch = DecodedFrames(reservingFrames: frames) }
        return batch
    }

    func receive(trade: TradeTick) { batch.append(trade: trade, receivedAt: receivedAt) }
    func receive(ticker: Ticker) { batch.append(ticker: ticker, receivedAt: receivedAt) }
    func receive(candle: Candle) { batch.append(candle: candle, receivedAt: receivedAt) }
    func receive(book: BookUpdate) { batch.append(book: book, receivedAt: receivedAt) }
}
