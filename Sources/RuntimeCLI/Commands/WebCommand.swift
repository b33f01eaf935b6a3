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
            RUNTIME_CONSOLE_SECRET (at least 32 bytes) when set, else with a random key (logins end on restart). \
            `runtime run --web ADDRESS` serves it beside a running host.
            """
    )

    @Option(name: .long, help: "HOST:PORT to listen on (default 127.0.0.1:8080; 0.0.0.0 exposes it to the network).")
    var address = ConsoleAddress.standard.description

    @Option(name: .long, help: "Hours a login lasts (default 8).")
    var sessionHours = 8

    @Flag(name: .long, help: "Mark cookies Secure (only behind a TLS proxy: the console itself speaks plain HTTP).")
    var secureCookies = false

    func run() async throws {
        let (address, hours, secure) = (address, sessionHours, secureCookies)
        _ = try ConsoleLaunch.configuration(address: address, option: "--address", sessionHours: hours, secureCookies: secure, databaseName: "")
        let logger = Logger(label: "runtime.console")
        try await OperatorCLI.run {
            try await DatabaseEnvironment.withOperator(actingAs: nil) { context in
                _ = try await context.authorize(.runHost, action: "console.start", resourceType: "console", resourceId: address)
                try await ConsoleLaunch.checkLogin(context.client, identity: context.identity)
                let configuration = try ConsoleLaunch.configuration(address: address, option: "--address", sessionHours: hours,
                                                                    secureCookies: secure, databaseName: context.target.description)
                try await ConsoleLaunch.service(configuration, client: context.client, signals: [.sigint, .sigterm], logger: logger).run()
            }
        }
    }
}
