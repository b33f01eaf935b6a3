import Dispatch
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TradingCore

/// Ends a host that can no longer end itself, from a thread of its own (never the cooperative
/// pool, which a wedged callback may be holding):
/// - a strategy callback that runs past its limit (CPU time over `callbackLimit`, the budget x 100,
///   or 5 s of wall time when it blocks). Swift cannot preempt it, so the host cannot go on: the
///   watchdog runs `onWedged` (the host halts that strategy in the database with a risk event and
///   an audit row, and flushes the trading records it accepted) and exits with status 3. A
///   supervisor that restarts the host (systemd `Restart=on-failure`) resumes the other strategies;
///   the halted one stays out until an admin resumes it.
/// - a SIGINT/SIGTERM that has not stopped the host within `shutdownGrace` (10 s): it runs
///   `onStuckShutdown` (flush the trading records) and exits with status 1.
/// Each emergency handler gets at most `emergencyLimit` before the process exits regardless.
final class HostWatchdog: Sendable {
    struct Wedge: Sendable, CustomStringConvertible {
        var strategy: StrategyName
        var callback: StrategyCallback
        var wall: Duration
        var cpu: Duration
        var limit: Duration
        var description: String {
            "strategy \(strategy)'s \(callback.rawValue) callback has not returned after \(wall) (\(cpu) of CPU; the limit is \(limit) of CPU or 5 s)"
        }
    }

    static let wedgedExitStatus: Int32 = 3

    private let watch: CallbackWatch
    private let strategies: [StrategyName]
    private let callbackLimit: Duration
    private let wallLimit: Duration
    private let shutdownGrace: Duration
    private let emergencyLimit: Duration
    private let onWedged: @Sendable (Wedge) async -> Void
    private let onStuckShutdown: @Sendable () async -> Void
    private let logger: Logger
    /// Monotonic nanoseconds of the shutdown signal; 0 before one.
    private let shutdownRequestedAt = Atomic<Int64>(0)
    private let stopped = Atomic<Bool>(false)

    init(watch: CallbackWatch, strategies: [StrategyName], callbackBudget: Duration, shutdownGrace: Duration = .seconds(10),
         emergencyLimit: Duration = .seconds(8), logger: Logger,
         onWedged: @escaping @Sendable (Wedge) async -> Void, onStuckShutdown: @escaping @Sendable () async -> Void) {
        self.watch = watch
        self.strategies = strategies
        self.wallLimit = .seconds(5)
        self.callbackLimit = min(callbackBudget * 100, .seconds(5))
        self.shutdownGrace = shutdownGrace
        self.emergencyLimit = emergencyLimit
        self.logger = logger
        self.onWedged = onWedged
        self.onStuckShutdown = onStuckShutdown
    }

    /// Starts watching on a thread of its own.
    func start() {
        let thread = Thread { [self] in watchLoop() }
        thread.name = "host-watchdog"
        thread.start()
    }

    /// A shutdown signal arrived; the host has `shutdownGrace` to stop.
    func shutdownRequested() {
        _ = shutdownRequestedAt.compareExchange(expected: 0, desired: StrategyRunner.monotonicNanoseconds(), ordering: .relaxed)
    }

    /// The host stopped by itself: nothing more to watch.
    func stop() { stopped.store(true, ordering: .relaxed) }

    private func watchLoop() {
        var observedStart: Int64 = 0
        var cpuAtObservation: Int64 = 0
        while !stopped.load(ordering: .relaxed) {
            usleep(20_000)
            let now = StrategyRunner.monotonicNanoseconds()
            if let current = watch.current() {
                let cpu = Self.cpuNanoseconds(of: current.thread)
                if current.startedAt != observedStart {
                    observedStart = current.startedAt
                    cpuAtObservation = cpu
                } else if let strategy = strategies.indices.contains(current.slot) ? strategies[current.slot] : nil {
                    let used = Duration.nanoseconds(max(0, cpu - cpuAtObservation))
                    let wall = Duration.nanoseconds(now - current.startedAt)
                    if used >= callbackLimit || wall >= wallLimit {
                        emergency(exitStatus: Self.wedgedExitStatus) {
                            await self.onWedged(Wedge(strategy: strategy, callback: current.callback, wall: wall, cpu: used,
                                                      limit: self.callbackLimit))
                        }
                    }
                }
            }
            let signalled = shutdownRequestedAt.load(ordering: .relaxed)
            if signalled != 0, Duration.nanoseconds(now - signalled) >= shutdownGrace {
                logger.critical("the host did not stop within \(shutdownGrace) of the shutdown signal; flushing trading records and exiting")
                emergency(exitStatus: 1) { await self.onStuckShutdown() }
            }
        }
    }

    /// Runs `work` on the cooperative pool for at most `emergencyLimit`, then exits the process.
    private func emergency(exitStatus: Int32, _ work: @escaping @Sendable () async -> Void) -> Never {
        let done = DispatchSemaphore(value: 0)
        Task.detached { await work(); done.signal() }
        if done.wait(timeout: .now() + .nanoseconds(Int(emergencyLimit.wholeNanoseconds))) == .timedOut {
            logger.critical("the emergency work did not finish within \(emergencyLimit); exiting anyway")
        }
        exit(exitStatus)
    }

    /// The CPU time `thread` has used, in nanoseconds (0 when it cannot be read).
    private static func cpuNanoseconds(of thread: pthread_t) -> Int64 {
        var clock = clockid_t()
        guard pthread_getcpuclockid(thread, &clock) == 0 else { return 0 }
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return 0 }
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
