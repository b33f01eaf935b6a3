import Foundation

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
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil) else {
            throw .embeddedCluster(reason: "cannot create a temporary file at \(outputURL.path) for a child process's output")
        }
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launchPath)
        process.arguments = launchArguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        do {
            let handle = try FileHandle(forWritingTo: outputURL)
            defer { try? handle.close() }
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        } catch {
            throw .embeddedCluster(reason: "cannot run \(launchPath) \(launchArguments.joined(separator: " ")): \(error)")
        }
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        return ProcessOutcome(exitCode: process.terminationStatus, output: output)
    }
}
