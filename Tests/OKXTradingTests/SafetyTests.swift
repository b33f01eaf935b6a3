import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

@Suite("OKX clock offset and dead-man switch", .watchdog)
struct SafetyTests {
    @Test("the shortest round trip wins; its half widens the skew margin; a far-off clock refuses to start")
    func clockOffset() throws {
        var clock = OKXClockOffset()
        #expect(clock.startupRefusal != nil)
        #expect(clock.skewMarginMilliseconds(minimum: 2_000) == 30_000)
        // Sent at 1 000, answered at 1 400, OKX stamped 1 700: OKX is 500 ms ahead, ±200 ms.
        let first = clock.record(sentAt: ms(1_000), receivedAt: ms(1_400), serverTime: ms(1_700))
        #expect(first)
        #expect(clock.offsetNanoseconds == 500_000_000)
        #expect(clock.venueTime(ms(10_000)) == ms(10_500))
        // A slower sample does not replace it; a faster one does.
        let slower = clock.record(sentAt: ms(2_000), receivedAt: ms(3_000), serverTime: ms(9_999))
        #expect(!slower)
        let faster = clock.record(sentAt: ms(4_000), receivedAt: ms(4_020), serverTime: ms(4_515))
        #expect(faster)
        #expect(clock.offsetNanoseconds == 505_000_000)
        #expect(clock.skewMarginMilliseconds(minimum: 2_000) == 2_010)
        #expect(clock.startupRefusal == nil)
        #expect(try OKXPrivateCodec().decodeServerTime(#"{"code":"0","data":[{"ts":"1597026383085"}],"msg":""}"#) == ms(1_597_026_383_085))
        var off = OKXClockOffset()
        off.record(sentAt: ms(0), receivedAt: ms(100), serverTime: ms(20_050))
        #expect(off.startupRefusal?.contains("fix the clock") == true)
    }

    @Test("a sample too slow to bound the offset is dropped: a 113 s round trip would have moved every request 50 s off OKX's clock")
    func slowSampleIsDropped() {
        // Seen on a starved machine: sent at 0, OKX (7 s ahead) stamped 7 000 at once, the answer was read at 113 576.
        var clock = OKXClockOffset()
        let slow = clock.record(sentAt: ms(0), receivedAt: ms(113_576), serverTime: ms(7_000))
        #expect(!slow)
        #expect(!clock.isMeasured)
        #expect(clock.offsetNanoseconds == 0)
        #expect(clock.startupRefusal?.contains("took at best 113576 ms") == true)
        // The limit is inclusive; a quick sample afterwards is used and clears the refusal.
        let limit = OKXClockOffset.maximumUncertaintyNanoseconds / 1_000_000
        let atTheLimit = clock.record(sentAt: ms(200_000), receivedAt: ms(200_000 + 2 * limit), serverTime: ms(207_000 + limit))
        #expect(atTheLimit)
        #expect(clock.offsetNanoseconds == 7_000_000_000)
        let quick = clock.record(sentAt: ms(300_000), receivedAt: ms(300_040), serverTime: ms(307_020))
        #expect(quick)
        #expect(clock.offsetNanoseconds == 7_000_000_000)
        #expect(clock.startupRefusal == nil)
    }

    @Test("the dead-man switch is armed on connect, refreshed at a third of its timeout, left to fire on disconnect, disarmed on shutdown")
    func deadManSwitch() {
        var deadMan = OKXDeadManSwitch(timeoutSeconds: 60)
        let beforeArming = deadMan.advance(to: ms(0))
        #expect(beforeArming == nil)
        let arm = deadMan.armed(at: ms(0))
        #expect(arm.body == #"{"timeOut":"60"}"#)
        let early = deadMan.advance(to: ms(19_999))
        #expect(early == nil)
        let refresh = deadMan.advance(to: ms(20_000))
        #expect(refresh == OKXDeadManSwitch.Request(timeoutSeconds: 60))
        deadMan.disconnected()
        let whileDisconnected = deadMan.advance(to: ms(100_000))
        #expect(whileDisconnected == nil)
        let disarm = deadMan.disarm()
        #expect(disarm.body == #"{"timeOut":"0"}"#)
        #expect(OKXDeadManSwitch(timeoutSeconds: 1).timeoutSeconds == 10)
    }
}
