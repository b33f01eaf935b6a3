import RuntimeHost
import TestSupport
import Testing

/// The `paper:` section of config/runtime.yaml: the slippage of fills without a book.
@Suite(.watchdog) struct PaperSettingsTests {
    static func paper(_ yaml: String) throws -> HostSettings.PaperSection {
        try RuntimeConfiguration(yaml: yaml, path: "runtime.yaml").section("paper")
    }

    @Test func slippageTicksReachTheVenueAndDefaultToOne() throws {
        #expect(try Self.paper("paper:\n  slippage_ticks: 3\n").venue(runTag: "r").slippageTicks == 3)
        #expect(try Self.paper("paper:\n  latency_ms: 5\n").venue(runTag: "r").slippageTicks == 1)
        #expect(try Self.paper("paper:\n  slippage_ticks: 0\n").venue(runTag: "r").slippageTicks == 0)
    }

    @Test func badOrUnknownPaperKeysAreRefusedNamingTheField() throws {
        let negative = try #require(throws: ConfigurationError.self) { try Self.paper("paper:\n  slippage_ticks: -1\n") }
        #expect("\(negative)".contains("paper.slippage_ticks"), "\(negative)")
        let unknown = try #require(throws: ConfigurationError.self) { try Self.paper("paper:\n  slipage_ticks: 2\n") }
        #expect("\(unknown)".contains("slipage_ticks"), "\(unknown)")
    }

    @Test func theShippedConfigurationSetsTheSlippage() throws {
        let settings = try HostSettings.load(path: PluginTestSupport.packageRoot.appendingPathComponent("config/runtime.yaml").path,
                                             environment: [:])
        #expect(settings.paper.slippageTicks == 1)
    }
}
