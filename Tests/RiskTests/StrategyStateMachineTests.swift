import TestSupport
import Testing
@testable import Risk

@Suite("Strategy trading state machine", .watchdog)
struct StrategyStateMachineTests {
    typealias S = StrategyTradingState

    /// Every edge the state machine has, by authority. Everything else is forbidden.
    static let riskEngineEdges: Set<[S]> = [[.active, .reducing], [.active, .halted], [.reducing, .halted], [.paused, .halted]]
    static let operatorEdges: Set<[S]> = [
        [.active, .paused], [.active, .halted], [.active, .stopped],
        [.reducing, .active], [.reducing, .paused], [.reducing, .halted], [.reducing, .stopped],
        [.paused, .active], [.paused, .halted], [.paused, .stopped],
        [.halted, .active], [.halted, .stopped],
        [.stopped, .active],
    ]

    @Test(arguments: S.allCases, S.allCases)
    func everyPairIsAllowedOrForbiddenAsSpecified(_ from: S, _ to: S) {
        for authority in [TransitionAuthority.riskEngine, .operator] {
            let edges = authority == .riskEngine ? Self.riskEngineEdges : Self.operatorEdges
            let result = from.transition(to: to, by: authority)
            if from == to {
                #expect(result == .failure(.alreadyInState(from)))
            } else if edges.contains([from, to]) {
                #expect(result == .success(to), "\(from) -> \(to) by \(authority)")
            } else {
                #expect(result == .failure(.notAllowed(from: from, to: to, by: authority)), "\(from) -> \(to) by \(authority)")
            }
        }
    }

    @Test func theRiskEngineNeverLoosens() {
        for from in S.allCases {
            #expect(!from.canTransition(to: .active, by: .riskEngine))
        }
        #expect(!S.halted.canTransition(to: .reducing, by: .riskEngine))
        let message = S.halted.transition(to: .active, by: .riskEngine)
        if case .failure(let error) = message {
            #expect(error.description.contains("runtime resume"))
        } else {
            Issue.record("the risk engine resumed a halted strategy")
        }
    }

    @Test func ordersPassingPerState() {
        #expect(S.active.allowsNewExposure && S.active.allowsReducingOrders)
        #expect(!S.reducing.allowsNewExposure && S.reducing.allowsReducingOrders)
        for state in [S.halted, .paused, .stopped] {
            #expect(!state.allowsNewExposure && !state.allowsReducingOrders)
        }
    }

    @Test(arguments: OperatorCommand.allCases)
    func operatorCommandsMapToStates(_ command: OperatorCommand) {
        let expected: [OperatorCommand: S] = [.pause: .paused, .resume: .active, .stop: .stopped, .halt: .halted]
        #expect(command.targetState == expected[command])
        #expect(command.auditAction == "strategy.\(command.rawValue)")
    }
}
