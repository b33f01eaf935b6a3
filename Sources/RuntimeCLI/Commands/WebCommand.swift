import ArgumentParser
import Console
import Foundation
import Logging
import RuntimeHost
import Storage

struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the operations console (a web page) against the database (admin).",
        discussion: """
            Open http://127.0.0.1:8080 (or --address) and log in with a username and the password set by \
            `runtime users passwd NAME`. Pauses, resumes, acknowledgements and halts go through the same database \
            functions as the CLI commands and are audited with the browser's address and user agent. The console \
            speaks for whoever logged in, so its database login must be the embedded cluster's owner or a member of \
            runtime_console (GRANT runtime_console TO <its login role>). Sessions are signed with \
            RUNTIME_CONSOLE_SECRET (at least 32 bytes) when set, else with a random key (logins end on restart).
            """
    )

    @Option(name: .long, help: "HOST:PORT to listen on (default 127.0.0.1:8080; 0.0.0.0 exposes it to the network).")
    var address = ConsoleAddress.standard.description

    @Option(name: .long, help: "Hours a login lasts (default 8).")
    var sessionHours = 8

    @Flag(name: .long, help: "Mark cookies Secure (only behind a TLS proxy: the console itself speaks plain HTTP).")
    var secureCookies = false

    func run() async throws {
        let listen: ConsoleAddress
        do { listen = try ConsoleAddress(parsing: address) } catch { throw ValidationError(error.description) }
        guard (1...168).contains(sessionHours) else { throw ValidationError("--session-hours must be between 1 and 168, not \(sessionHours)") }
        let signer: SessionSigner
        if let secret = ProcessInfo.processInfo.environment["RUNTIME_CONSOLE_SECRET"], !secret.isEmpty {
            do { signer = try SessionSigner(secret: Array(secret.utf8), field: "RUNTIME_CONSOLE_SECRET") } catch {
                throw ValidationError(error.description)
            }
        } else {
            signer = .random()
        }
        let logger = Logger(label: "runtime.console")
        let lifetime = Int64(sessionHours) * 3600, secure = secureCookies
        try await OperatorCLI.run {
            try await DatabaseEnvironment.withOperator(actingAs: nil) { context in
                _ = try await context.authorize(.runHost, action: "console.start", resourceType: "console", resourceId: listen.description)
                guard try await ConsoleAccounts(context.client).speaksForOperators() else {
                    throw OperatorError.invalidArgument(
                        field: "database login",
                        reason: "'\(context.identity)' may not speak for other operators; an owner runs GRANT runtime_console TO \"\(context.identity)\";")
                }
                let configuration = ConsoleConfiguration(address: listen, signer: signer, sessionLifetime: lifetime,
                                                         secureCookies: secure, databaseName: context.target.description)
                try await ConsoleServer(client: context.client, configuration: configuration, logger: logger).run { port in
                    FileHandle.standardError.write(Data("runtime: console at http://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(port)/ (Ctrl-C stops it)\n".utf8))
                }
            }
        }
    }
}
