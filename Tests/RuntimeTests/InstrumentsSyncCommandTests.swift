import Foundation
import OKXTestServer
import RuntimeHost
import TestSupport
import Testing

/// `runtime instruments sync` as an operator runs it, against a local HTTP server serving OKX's
/// real instrument lists (the 2022 captures in Tests/Fixtures/okx/rest), on a copy of the shipped
/// config/instruments.yaml.
@Suite(.watchdog) struct InstrumentsSyncCommandTests {
    static let runtime = HostEndToEndTests.runtime

    static func script() throws -> OKXRestScript {
        var bodies: [String: String] = [:]
        for (type, file) in [("SPOT", "spot"), ("SWAP", "swap"), ("FUTURES", "futures"), ("OPTION/BTC-USD", "option_btc-usd")] {
            let url = PluginTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/okx/rest/instruments_\(file).json")
            bodies[type] = try String(contentsOf: url, encoding: .utf8)
        }
        return OKXRestScript(instruments: bodies)
    }

    /// A copy of the shipped file in a scratch folder.
    static func copyOfShippedFile(_ name: String) throws -> String {
        let path = try PluginTestSupport.scratchDirectory(name) + "/instruments.yaml"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(at: PluginTestSupport.packageRoot.appendingPathComponent("config/instruments.yaml"),
                                         to: URL(fileURLWithPath: path))
        return path
    }

    static func serve(_ body: (OKXRestTestServer) async throws -> Void) async throws {
        let server = try await OKXRestTestServer.start(script: try script())
        do {
            try await body(server)
            try await server.shutdown()
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    static func sync(_ arguments: [String], url: String) async throws -> (status: Int32, output: String, standardOutput: String) {
        try await ChildProcess.run(runtime, ["instruments", "sync"] + arguments, environment: ["OKX_REST_URL": url],
                                   directory: PluginTestSupport.packageRoot)
    }

    @Test func theFileTakesOKXsValuesKeepsItsCommentsAndASecondRunChangesNothing() async throws {
        let path = try Self.copyOfShippedFile("instruments-sync")
        try await Self.serve { server in
            let first = try await Self.sync(["--file", path], url: server.baseURL)
            #expect(first.status == 0, "\(first.output)")
            // The shipped file carries the 2024 contract sizes; the served list is OKX's 2022 one.
            #expect(first.standardOutput.contains("SOL-USDT-SWAP tickSz: 0.01 -> 0.001"), "\(first.standardOutput)")
            #expect(first.standardOutput.contains("BTC-USDT-SWAP lotSz: 0.01 -> 1"))
            let catalog = try InstrumentCatalog.load(contentsOf: URL(fileURLWithPath: path))
            let sol = try #require(catalog[try .init(parsing: "SOL-USDT-SWAP")])
            #expect(sol.tickSize.description == "0.001" && sol.lotSize.description == "1")
            let after = try String(contentsOfFile: path, encoding: .utf8)
            #expect(after.contains("# --- coin-margined (inverse) perpetual swaps"), "the file's comments stay")
            let second = try await Self.sync(["--file", path], url: server.baseURL)
            #expect(second.status == 0 && second.standardOutput.hasPrefix("changed 0 value(s) and added 0"), "\(second.standardOutput)")
        }
    }

    @Test func addAppendsAnInstrumentAndAnUnknownOneIsRefusedLeavingTheFileAlone() async throws {
        let path = try Self.copyOfShippedFile("instruments-add")
        try await Self.serve { server in
            let added = try await Self.sync(["--file", path, "--add", "ADA-USDT"], url: server.baseURL)
            #expect(added.status == 0 && added.standardOutput.contains("added ADA-USDT"), "\(added.output)")
            let catalog = try InstrumentCatalog.load(contentsOf: URL(fileURLWithPath: path))
            #expect(catalog[try .init(parsing: "ADA-USDT")] != nil)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let refused = try await Self.sync(["--file", path, "--add", "NOPE-USDT"], url: server.baseURL)
            #expect(refused.status != 0 && refused.output.contains("--add NOPE-USDT: OKX does not list it"), "\(refused.output)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            let dryRun = try await Self.sync(["--file", path, "--add", "ETH-USDC", "--dry-run"], url: server.baseURL)
            #expect(dryRun.status == 0 && dryRun.standardOutput.contains("would add 1 instrument"), "\(dryRun.output)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "a dry run writes nothing")
        }
    }

    @Test func anUnreachableOKXFailsFastWithAClearMessage() async throws {
        let path = try Self.copyOfShippedFile("instruments-unreachable")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        let result = try await Self.sync(["--file", path], url: "http://127.0.0.1:9")
        #expect(result.status != 0)
        #expect(result.output.contains("OKX's instrument list could not be read"), "\(result.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
