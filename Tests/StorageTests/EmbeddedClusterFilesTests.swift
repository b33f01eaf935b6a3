import Foundation
@testable import Storage
import TestSupport
import Testing

/// The embedded cluster's files (issue 18 part 6): a symbolic link in place of its folders or log
/// is refused before anything is created, chmod'ed or chown'ed through it; server.log is private;
/// connection strings shown to people hide their password.
@Suite(.watchdog) struct EmbeddedClusterFilesTests {
    @Test(arguments: ["postgres", "postgres/data", "postgres/run", "postgres/server.log"])
    func aSymbolicLinkInPlaceOfTheClustersFilesIsRefused(linked: String) throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let victim = cluster.home + "-victim"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: victim) }
        chmod(victim, 0o755)
        let parent = URL(fileURLWithPath: cluster.home + "/" + linked).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cluster.home + "/" + linked, withDestinationPath: victim)

        let error = try #require(throws: StorageError.self) { try cluster.start() }
        #expect("\(error)".contains("symbolic link") && "\(error)".contains(linked), "\(error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim).isEmpty, "nothing was created through the link")
        var info = stat()
        #expect(stat(victim, &info) == 0 && info.st_mode & 0o777 == 0o755, "the link's target keeps its mode")
    }

    @Test func theServerLogIsReadableByItsOwnerOnly() throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        try cluster.start()
        var info = stat()
        #expect(stat(cluster.logFile, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        // Also when it was made readable by others meanwhile.
        chmod(cluster.logFile, 0o644)
        try cluster.start()
        #expect(stat(cluster.logFile, &info) == 0 && info.st_mode & 0o777 == 0o600)
        try cluster.stop()
    }

    @Test(arguments: [
        "postgresql://trader:s3cret@db.example:5432/runtime?sslmode=require",
        "postgresql://trader@db.example/runtime?password=s3cret&sslmode=require",
        "postgres:///runtime?host=/tmp/socket&user=trader&password=s3cret",
    ])
    func aPasswordIsNeverShown(url: String) throws {
        #expect(!DatabaseTarget.redacted(url).contains("s3cret"))
        #expect(DatabaseTarget.redacted(url).contains("***"))
        let target = try DatabaseTarget(url: url)
        #expect(target.password == "s3cret")
        #expect(!target.description.contains("s3cret"))
        let refused = try #require(throws: StorageError.self) { try DatabaseTarget(url: url.replacingOccurrences(of: "sslmode=require", with: "sslmode=bogus") + "&sslmode=bogus") }
        #expect(!"\(refused)".contains("s3cret"), "\(refused)")
    }
}
