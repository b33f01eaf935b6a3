import Synchronization

/// Waits for an await that may never return, or for a time limit, whichever comes first, without
/// tying the caller to the await (a task group would wait for its child regardless).
enum FirstOf {
    /// True when `work` returned within `limit`.
    static func wait(orAfter limit: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        let finish: @Sendable (Bool) -> Void = { value in continuation.withLock { $0.take() }?.resume(returning: value) }
        return await withCheckedContinuation { (waiting: CheckedContinuation<Bool, Never>) in
            continuation.withLock { $0 = waiting }
            let timer = Task {
                try? await Task.sleep(for: limit)
                finish(false)
            }
            Task {
                await work()
                timer.cancel()
                finish(true)
            }
        }
    }
}
