import Foundation

/// Runs long CPU-bound test work on threads of its own instead of Swift's cooperative pool.
///
/// Why: tests run in parallel on a pool with one thread per core. A synchronous body that computes
/// for seconds holds a pool thread all that time, and fifty of them (a parameterized fuzz test)
/// held both threads of a 2-core CI machine for minutes: every other test's awaits waited behind
/// them (one HTTP answer took 113 s to be read). On threads of their own they share the cores
/// with the pool by time slices instead. At most one body per core runs at once.
///
/// `body` runs outside the test's task: return what it computed and check it (`#expect`) after.
public enum OffThePool {
    private static let slots = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))

    public static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(with: Result { try body() })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
