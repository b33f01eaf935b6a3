import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one finished child process.
struct ProcessOutcome: Sendable {
    var exitCode: Int32
    var output: String
    var succeeded: Bool { exitCode == 0 }
}

/// Runs PostgreSQL's command-line tools, optionally as another system user.
///
/// Output goes to a temporary file rather than a pipe on purpose: `pg_ctl start` forks the
/// server, which would inherit a pipe and keep it open long after `pg_ctl` exits, so reading a
/// pipe to its end would hang for the server's whole life.
enum ProcessRunner {
    /// Runs `executable` with `arguments`, as `user` when given (through runuser or setpriv,
    /// which only root may use), waits for it and returns its exit code and combined output.
    static func run(_ executable: String, _ arguments: [String], as user: String? = nil,
                    environment: [String: String]? = nil) throws(StorageError) -> ProcessOutcome {
        var launchPath = executable
        var launchArguments = arguments
        if let user {
            if FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") || FileManager.default.isExecutableFile(atPath: "/sbin/runuser") {
                launchPath = FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
                launchArguments = ["-u", user, "--", executable] + arguments
            } else if let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                launchPath = setpriv
                launchArguments = ["--reuid=\(user)", "--regid=\(user)", "--init-groups", "--reset-env", executable] + arguments
            } else {
                throw .embeddedCluster(reason: "running as root, but neither runuser nor setpriv is installed to run PostgreSQL as the '\(user)' user; install util-linux")
            }
        }
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("ea-okx-proc-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let exitCode = try spawnAndWait(launchPath, launchArguments, outputPath: outputURL.path, environment: environment)
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        return ProcessOutcome(exitCode: exitCode, output: output)
    }

    /// posix_spawn + waitpid rather than Foundation's Process: `pg_ctl start` leaves a server
    /// daemon behind, and Foundation's exit detection waits on a descriptor the daemon inherits,
    /// so `waitUntilExit` would hang for the server's whole life. Descriptors above 2 are closed
    /// in the child so the server inherits none of this process's sockets.
    private static func spawnAndWait(_ path: String, _ arguments: [String], outputPath: String,
                                     environment: [String: String]?) throws(StorageError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = closeDescriptorsFrom(&actions, 3)
        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        defer { environmentStrings.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned: Int32 = (argv + [nil]).withUnsafeBufferPointer { argvPointer -> Int32 in
            (environmentStrings + [nil]).withUnsafeBufferPointer { envPointer -> Int32 in
                guard let argvBase = argvPointer.baseAddress, let envBase = envPointer.baseAddress else { return EINVAL }
                return posix_spawn(&pid, path, &actions, nil, argvBase, envBase)
            }
        }
        guard spawned == 0 else {
            throw .embeddedCluster(reason: "cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { throw .embeddedCluster(reason: "waiting for \(path) failed: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func closeDescriptorsFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32
