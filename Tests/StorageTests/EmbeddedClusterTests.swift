import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite(.watchdog) struct EmbeddedClusterTests {
    @Test func locatesTheServerBinaries() throws {
        let installation = try PostgresInstallation.locate()
        #expect(FileManager.default.isExecutableFile(atPath: installation.tool("pg_ctl")))
    }

    @Test func missingPostgresSaysWhatToInstall() {
        let error = StorageError.postgresNotInstalled(searched: ["/nowhere"])
        #expect(error.description.contains("apt-get install postgresql"))
    }

    @Test func scratchDatabaseAnswersQueries() async throws {
        try await ScratchDatabase.with { database, client in
            let rows = try await client.query("SELECT current_database(), current_setting('listen_addresses')")
            for try await (name, listen) in rows.decode((String, String).self) {
                #expect(name == database.name)
                #expect(listen == "")
            }
        }
    }

    @Test func parallelScratchDatabasesAreIsolated() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<4 {
                group.addTask {
                    try await ScratchDatabase.with(migrated: false) { _, client in
                        try await client.query("CREATE TABLE marker (value INTEGER)")
                        try await client.query("INSERT INTO marker VALUES (\(index))")
                        let rows = try await client.query("SELECT count(*)::int, min(value) FROM marker")
                        for try await (count, value) in rows.decode((Int, Int).self) {
                            #expect(count == 1)
                            #expect(value == index)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Start, status, stop and restart of a private cluster (as root: the server runs as postgres).
    @Test func startStopRestartKeepsData() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        #expect(try await cluster.status() == .notInitialized)
        let target = try await cluster.start()
        guard case .running = try await cluster.status() else { Issue.record("not running after start"); return }
        try await target.withClient { client in
            try await client.query("CREATE TABLE kept (value TEXT)")
            try await client.query("INSERT INTO kept VALUES ('still here')")
        }
        try await cluster.stop()
        #expect(try await cluster.status() == .stopped)
        _ = try await cluster.start()
        _ = try await cluster.start() // idempotent
        try await target.withClient { client in
            let rows = try await client.query("SELECT value FROM kept")
            var values: [String] = []
            for try await value in rows.decode(String.self) { values.append(value) }
            #expect(values == ["still here"])
        }
        if geteuid() == 0 {
            let attributes = try FileManager.default.attributesOfItem(atPath: cluster.dataDirectory)
            #expect(attributes[.ownerAccountName] as? String == "postgres")
        }
    }

    @Test func urlIsAcceptedByPsql() async throws {
        let psql = "/usr/bin/psql"
        guard FileManager.default.isExecutableFile(atPath: psql) else { return }
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let url = try await cluster.start().url()
        let (status, output, standardOutput) = try await ChildProcess.run(psql, [url, "-Atc", "SELECT 40 + 2"])
        #expect(status == 0, "\(output)")
        #expect(standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "42")
    }

    @Test func parsesDatabaseURLs() throws {
        let tcp = try DatabaseTarget(url: "postgres://alice:s%40cret@db.example:6543/trading?sslmode=disable")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(tcp.username == "alice")
        #expect(tcp.password == "s@cret")
        #expect(tcp.database == "trading")
        #expect(tcp.tls == .disable)
        let socket = try DatabaseTarget(url: "postgresql:///runtime?host=/tmp/x/run&port=5433&user=runtime")
        #expect(socket.endpoint == .unixSocket(directory: "/tmp/x/run", port: 5433))
        #expect(try DatabaseTarget(url: socket.url()) == socket)
        #expect(throws: StorageError.self) { try DatabaseTarget(url: "mysql://x/y") }
    }
}
