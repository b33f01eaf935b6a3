import Synchronization

/// A lock around a value that is not itself Sendable (a file handle and its buffer).
final class SynchronizedBox<Value>: @unchecked Sendable {
    // @unchecked: every access goes through the mutex.
    private let mutex: Mutex<Void> = Mutex(())
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { _ in try body(&value) }
    }
}
