import Synchronization

/// A bounded FIFO that many producers fill and one consumer drains in batches: the queue
/// behind both writers.
///
/// Its full-queue policy is chosen per writer: market data uses ``offerDroppingOldest(_:)`` (never
/// suspends; a full queue gives up its oldest items, which the writer counts as dropped: fresh
/// data matters more than stale), trading records use ``append(_:)`` (a full queue makes the
/// producer wait for room: never dropped). The consumer
/// takes batches with ``nextBatch()``, reports each one done with ``batchDone()``; ``flush()``
/// waits until everything appended so far is done, ``finish()`` lets ``nextBatch()`` return nil
/// once the queue is empty.
final class BatchQueue<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        /// Items of the batch the consumer holds.
        var inFlight = 0
        var finishing = false
        var consumer: CheckedContinuation<Void, Never>?
        var producersWaitingForRoom: [CheckedContinuation<Void, Never>] = []
        var flushers: [CheckedContinuation<Void, Never>] = []
    }

    let capacity: Int
    let batchSize: Int
    private let state = Mutex(State())

    init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
    }

    /// Items queued or in the batch being written.
    var pending: Int { state.withLock { $0.items.count + $0.inFlight } }

    /// Appends without suspending; false (item not kept) when the queue is full.
    func offer(_ item: Item) -> Bool {
        let (accepted, consumer) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard state.items.count < capacity else { return (false, nil) }
            state.items.append(item)
            defer { state.consumer = nil }
            return (true, state.consumer)
        }
        consumer?.resume()
        return accepted
    }

    /// Appends without suspending; when the queue is full its oldest items make room (a sixteenth
    /// of the capacity at once, so that each append costs O(1) on average). Returns how many were
    /// dropped.
    func offerDroppingOldest(_ item: Item) -> Int {
        let (dropped, consumer) = state.withLock { state -> (Int, CheckedContinuation<Void, Never>?) in
            var dropped = 0
            if state.items.count >= capacity {
                dropped = min(state.items.count, max(1, capacity / 16))
                state.items.removeFirst(dropped)
            }
            state.items.append(item)
            defer { state.consumer = nil }
            return (dropped, state.consumer)
        }
        consumer?.resume()
        return dropped
    }

    /// Whether the queue is full (a producer using ``append(_:)`` would wait).
    var isFull: Bool { state.withLock { $0.items.count >= capacity } }

    /// Appends, waiting for room while the queue is full.
    func append(_ item: Item) async {
        while !offer(item) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let roomNow = state.withLock { state -> Bool in
                    if state.items.count < capacity { return true }
                    state.producersWaitingForRoom.append(continuation)
                    return false
                }
                if roomNow { continuation.resume() }
            }
        }
    }

    /// The next batch (up to `batchSize` items, oldest first), waiting while the queue is empty;
    /// nil once ``finish()`` was called and the queue is empty, or the task is cancelled.
    func nextBatch() async -> [Item]? {
        while true {
            let (batch, finished, producers) = state.withLock { state -> ([Item]?, Bool, [CheckedContinuation<Void, Never>]) in
                if state.items.isEmpty { return (nil, state.finishing, []) }
                let batch: [Item]
                if state.items.count <= batchSize {
                    batch = state.items
                    state.items = []
                    state.items.reserveCapacity(min(capacity, 4 * batchSize))
                } else {
                    batch = Array(state.items.prefix(batchSize))
                    state.items.removeFirst(batchSize)
                }
                state.inFlight = batch.count
                defer { state.producersWaitingForRoom.removeAll() }
                return (batch, false, state.producersWaitingForRoom)
            }
            for producer in producers { producer.resume() }
            if let batch { return batch }
            if finished || Task.isCancelled { return nil }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.items.isEmpty || state.finishing { return true }
                    state.consumer = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// The consumer is done with the batch it took (written, or given up); wakes ``flush()``
    /// callers when nothing is left.
    func batchDone() {
        let flushers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight = 0
            guard state.items.isEmpty else { return [] }
            defer { state.flushers.removeAll() }
            return state.flushers
        }
        for flusher in flushers { flusher.resume() }
    }

    /// Waits until every item appended so far is done.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let doneNow = state.withLock { state -> Bool in
                if state.items.isEmpty && state.inFlight == 0 { return true }
                state.flushers.append(continuation)
                return false
            }
            if doneNow { continuation.resume() }
        }
    }

    /// Lets ``nextBatch()`` return nil once the queue is empty.
    func finish() {
        let consumer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finishing = true
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
    }
}
