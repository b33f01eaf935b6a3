import Foundation
import TestSupport
import Testing
import Yams

/// docker-compose.yml (local development against TimescaleDB) cannot be run here (no Docker
/// engine on this machine), so its contents are checked: the image, a loopback-only port, and
/// that every folder it mounts from the project exists.
@Suite(.watchdog) struct DockerComposeTests {
    @Test func composeFileStartsTimescaleDBForPostgreSQL15AndMountsOnlyExistingFolders() throws {
        let root = PluginTestSupport.packageRoot
        let text = try String(contentsOf: root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let compose = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        let database = try #require(services["timescaledb"] as? [String: Any])
        let image = try #require(database["image"] as? String)
        #expect(image.hasPrefix("timescale/timescaledb:") && image.hasSuffix("-pg15"), "\(image)")
        let ports = try #require(database["ports"] as? [String])
        #expect(ports.allSatisfy { $0.hasPrefix("127.0.0.1:") }, "the database is published on loopback only: \(ports)")
        let volumes = try #require(database["volumes"] as? [String])
        let mounted = volumes.compactMap { $0.split(separator: ":").first.map(String.init) }.filter { $0.hasPrefix(".") || $0.hasPrefix("/") }
        #expect(mounted.contains("./migrations"))
        for path in mounted {
            var isDirectory: ObjCBool = false
            let absolute = root.appendingPathComponent(path).standardizedFileURL.path
            #expect(FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), "\(path) is mounted but does not exist")
        }
        let named = Set((compose["volumes"] as? [String: Any?])?.keys.map { $0 } ?? [])
        for volume in volumes {
            guard let source = volume.split(separator: ":").first.map(String.init), !source.hasPrefix("."), !source.hasPrefix("/") else { continue }
            #expect(named.contains(source), "volume \(source) is used but not declared")
        }
    }
}
