import Foundation
import Synchronization

/// A program a test runs (the `runtime` CLI, a host, a compiler) whose exit is awaited without
/// blocking a thread of Swift's cooperative pool, under a deadline.
///
/// Its standard output and standard error go to files, never pipes: a pipe nobody reads fills up
/// and blocks the child (a host logging while the test waits would never exit). Both files are
/// removed when the value is released.
public final class ChildProcess: Sendable {
    /// A child that did not exit within its deadline (it was killed), with the end of its output.
    public struct DidNotExit: Error, CustomStringConvertible {
        public var command: String
        public var deadline: Duration
        public var outputTail: String
        public var description: String { "`\(command)` did not exit within \(deadline); killed. Its output ended with:\n\(outputTail)" }
    }

    /// A child that exited with a status other than 0 (from ``run(_:environment:directory:within:)``).
    public struct Failed: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "`\(command)` exited with status \(status):\n\(output)" }
    }

    private struct State {
        var status: Int32?
        var waiters: [Int: CheckedContinuation<Int32?, Never>] = [:]
        var nextWaiter = 0
    }

    /// The exit status and who waits for it, shared with the termination handler.
    private final class Exit: Sendable {
        let state = Mutex(State())
    }

    /// The command line, for messages.
    public let command: String
    private let process: Process
    private let outputPath: String
    private let errorPath: String
    private let exit = Exit()

    /// Starts `executable` (a path, or a name looked up on PATH) with `arguments`. `environment`
    /// is added to this process's own.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        command = ([executable] + arguments).joined(separator: " ")
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        outputPath = base + ".out"
        errorPath = base + ".err"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
              FileManager.default.createFile(atPath: errorPath, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: base])
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer { try? output.close(); try? error.close() }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let exit = self.exit
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            let waiters = exit.state.withLock { state -> [CheckedContinuation<Int32?, Never>] in
                state.status = status
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    /// Whether it has not exited yet.
    public var isRunning: Bool { exit.state.withLock { $0.status == nil } }

    /// What it wrote to standard output so far.
    public var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// What it wrote to standard error so far.
    public var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Standard output followed by standard error.
    public var output: String { standardOutput + standardError }

    /// Sends `signal` (default SIGTERM).
    public func signal(_ signal: Int32 = SIGTERM) { kill(process.processIdentifier, signal) }

    /// Waits for the child to exit and returns its status; past the deadline it is killed and
    /// ``DidNotExit`` thrown with the end of its output.
    @discardableResult
    public func waitForExit(within deadline: Duration = .minutes(5)) async throws -> Int32 {
        do {
            let status = try await Wait.signal("`\(command)` to exit", within: deadline) { [self] in await exitStatus() }
            // nil only when cancelled from outside: the test is ending anyway.
            guard let status else { throw CancellationError() }
            return status
        } catch is Wait.TimedOut {
            signal(SIGKILL)
            throw DidNotExit(command: command, deadline: deadline, outputTail: String(output.suffix(4_000)))
        }
    }

    /// The exit status once the child has exited; nil when the task is cancelled first.
    private func exitStatus() async -> Int32? {
        let waiter = exit.state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
                let status = exit.state.withLock { state -> Int32?? in
                    if let status = state.status { return .some(status) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[waiter] = continuation
                    return nil
                }
                if let status { continuation.resume(returning: status) }
            }
        } onCancel: {
            exit.state.withLock { $0.waiters.removeValue(forKey: waiter) }?.resume(returning: nil)
        }
    }

    /// Runs a program to its end and returns its status and output (`output`: stdout then stderr).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           directory: URL? = nil, within deadline: Duration = .minutes(5)) async throws
        -> (status: Int32, output: String, standardOutput: String) {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
        let status = try await child.waitForExit(within: deadline)
        return (status, child.output, child.standardOutput)
    }

    /// Runs a program that must succeed and returns its output; throws ``Failed`` otherwise.
    @discardableResult
    public static func succeed(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                               directory: URL? = nil, within deadline: Duration = .minutes(5)) async throws -> String {
        let (status, output, _) = try await run(executable, arguments, environment: environment, directory: directory, within: deadline)
        guard status == 0 else { throw Failed(command: ([executable] + arguments).joined(separator: " "), status: status, output: output) }
        return output
    }
}
