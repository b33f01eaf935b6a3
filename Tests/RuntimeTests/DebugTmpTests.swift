import Foundation
import Runtime
import Testing
import Risk
import TradingCore

@Suite struct DebugTmpTests {
    @Test func dump() async throws {
        let (_, records) = try await EngineReplayTests.replay(try EngineReplayTests.syntheticFrames())
        var n = 0
        var states: [String: Int] = [:]
        for record in records {
            switch record {
            case .risk(let output):
                if let e = output.riskEvent, n < 12 { n += 1; FileHandle.standardError.write(Data("RISK \(e.eventType) \(e.strategy.map(\.rawValue) ?? "-") \(e.description)\n".utf8)) }
            case .order(let t) where t.strategy.rawValue == "market_maker":
                states["\(t.status) \(t.orderType) \(t.rejectReason ?? "")", default: 0] += 1
            default: break
            }
        }
        FileHandle.standardError.write(Data("MM \(states)\n".utf8))
    }
}
