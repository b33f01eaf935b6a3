@testable import Storage
import TestSupport
import Testing

/// The bounded wait behind `DatabaseTarget.withClient`'s shutdown.
@Suite(.watchdog) struct FirstOfTests {
    @Test func anAwaitThatReturnsInTimeWins() async {
        #expect(await FirstOf.wait(orAfter: .seconds(600)) { try? await Task.sleep(for: .milliseconds(10)) })
    }

    @Test func anAwaitThatNeverReturnsLosesToTheLimitAndDoesNotHoldTheCaller() async {
        // Ignores cancellation, as postgres-nio's stalled run() did.
        #expect(await FirstOf.wait(orAfter: .milliseconds(200)) {
            let end = ContinuousClock.now + .seconds(3_600)
            while ContinuousClock.now < end { try? await Task.sleep(for: .seconds(60)) }
        } == false)
    }
}
