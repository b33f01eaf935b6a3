import Foundation
import MarketData
import OKXTestServer
import TestSupport
import Testing

/// `runtime record` over a real WebSocket: a local server speaking OKX's protocol serves real
/// BTC-USDT frames; the recording holds every one of them and reads back as a recording.
@Suite(.watchdog) struct RecordCommandTests {
    @Test func recordsEveryFrameServedUntilInterrupted() async throws {
        let frames = try OKXTestScript.restampedBTCUSDTFixtureFrames(packageRoot: PluginTestSupport.packageRoot)
        let server = try await OKXTestServer.start(script: OKXTestScript(frames: frames, interval: .milliseconds(5)))
        defer { Task { try? await server.shutdown() } }
        let out = try PluginTestSupport.scratchDirectory("record") + "/btc.jsonl"
        let recorder = try ChildProcess(HostEndToEndTests.runtime,
                                        ["record", "--inst", "BTC-USDT", "--channels", "trades,books5", "--out", out],
                                        environment: ["OKX_WS_PUBLIC_URL": server.publicURL, "OKX_WS_BUSINESS_URL": server.businessURL],
                                        directory: PluginTestSupport.packageRoot)
        let served = await server.wait(timeout: .minutes(5)) { $0.allFramesServed }
        #expect(served, "the recorder never subscribed to everything it was served: \(server.statistics)")
        // Every frame served is in the file once the recorder has flushed it (once a second).
        let pushes = Set(frames)
        try await Wait.until("every served frame in the recording", {
            ((try? RecordedFrames.load(paths: [out])) ?? []).filter { pushes.contains($0.text) }.count
        }, satisfies: { $0 >= frames.count })
        recorder.signal(SIGINT)
        #expect(try await recorder.waitForExit() == 0, "\(recorder.output.suffix(2_000))")
        #expect(recorder.output.contains("recorded "), "\(recorder.output.suffix(2_000))")
    }

    @Test func anUnreachableOKXIsAFailureThatSaysSo() async throws {
        let out = try PluginTestSupport.scratchDirectory("record-unreachable") + "/nothing.jsonl"
        let run = try await HostEndToEndTests.run(["record", "--inst", "BTC-USDT", "--channels", "trades", "--out", out, "--duration", "2s"],
                                                  environment: ["OKX_WS_PUBLIC_URL": "ws://127.0.0.1:1/ws/v5/public"])
        #expect(run.status != 0, "\(run.output.suffix(2_000))")
        #expect(run.output.contains("recorded nothing: OKX was never reached at ws://127.0.0.1:1/ws/v5/public (last failure: public: connect failed"),
                "\(run.output.suffix(2_000))")
    }
}
