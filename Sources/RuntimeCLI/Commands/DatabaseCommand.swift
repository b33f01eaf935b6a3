import ArgumentParser
import Foundation
import Storage

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster: start, stop, status, url.",
        discussion: """
            The embedded cluster lives under $RUNTIME_HOME (default .runtime/) and listens only on a Unix \
            socket there. With DATABASE_URL set, that server is used instead and nothing is started or stopped.
            """,
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self],
        defaultSubcommand: Status.self
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (when missing) and start the embedded cluster.")
        func run() async throws {
            if let url = externalURL() {
                print("DATABASE_URL is set: using \(try DatabaseTarget(url: url).description); nothing to start")
                return
            }
            let cluster = try EmbeddedPostgres.forRuntimeHome()
            let target = try await cluster.start()
            print("embedded PostgreSQL \(try await cluster.status()) at \(cluster.socketDirectory)")
            print(target.url())
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster (data is kept).")
        func run() async throws {
            if externalURL() != nil {
                print("DATABASE_URL is set: the runtime does not manage that server; nothing to stop")
                return
            }
            let cluster = try EmbeddedPostgres.forRuntimeHome()
            try await cluster.stop()
            print("embedded PostgreSQL \(try await cluster.status())")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the database is set up and running.")
        func run() async throws {
            if let url = externalURL() {
                print("external server (DATABASE_URL): \(try DatabaseTarget(url: url).description)")
                return
            }
            let cluster = try EmbeddedPostgres.forRuntimeHome()
            print("embedded PostgreSQL \(try await cluster.status())")
            print("  data:   \(cluster.dataDirectory)")
            print("  socket: \(cluster.socketDirectory)")
            print("  log:    \(cluster.logFile)")
            print("  server: \(cluster.installation.binDirectory)\(cluster.preloadsTimescaleDB ? " (TimescaleDB preloaded)" : "")")
        }
    }

    struct URLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "url", abstract: "Print a connection URL that psql accepts.")
        func run() async throws {
            if let url = externalURL() {
                print(url)
                return
            }
            print(try EmbeddedPostgres.forRuntimeHome().target().url())
        }
    }
}

/// DATABASE_URL when set and not empty.
func externalURL() -> String? {
    guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { return nil }
    return url
}
