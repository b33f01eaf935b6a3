import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

@Suite("OKX error classes, client ids, rate buckets", .watchdog)
struct SmallValueTests {
    @Test("error codes from the official tables; unknown codes are ambiguous, never rejected")
    func errorClasses() {
        #expect(OKXErrorClass(code: "0") == .success)
        for code in ["51000", "51008", "51121", "50037", "54109"] { #expect(OKXErrorClass(code: code) == .rejected, "\(code)") }
        for code in ["50004", "51149", "51054", "51412", "50001", "50013", "50026", "59999"] { #expect(OKXErrorClass(code: code) == .ambiguous, "\(code)") }
        for code in ["50011", "50061", "60014", "51113"] { #expect(OKXErrorClass(code: code) == .rateLimited, "\(code)") }
        for code in ["50101", "50102", "50105", "50111", "50113", "50119", "60009"] {
            #expect(OKXErrorClass(code: code) == .authentication, "\(code)")
            #expect(OKXErrorClass(code: code).haltsTrading)
        }
        for code in ["51400", "51503", "51410"] { #expect(OKXErrorClass(code: code) == .orderAlreadyFinal, "\(code)") }
        #expect(OKXErrorClass(code: "51016") == .duplicateClientOrderId)
        #expect(OKXErrorClass(httpStatus: 503, code: nil) == .ambiguous)
        #expect(OKXErrorClass(httpStatus: 401, code: "50113") == .authentication)
        #expect(OKXErrorClass(httpStatus: 200, code: "51008") == .rejected)
    }

    @Test("client ids: valid for OKX, unique across sessions, sessions never repeat after a clock step back")
    func clientIds() throws {
        var generator = try OKXClientOrderIdGenerator(session: OKXClientOrderIdGenerator.nextSession(persistedHighWaterMark: nil, now: ms(1_764_800_000_000)))
        var seen: Set<String> = []
        for _ in 0..<5_000 {
            let id = generator.next()
            #expect(try ClientOrderId(validating: id.rawValue) == id)
            #expect(OKXClientOrderIdGenerator.isRuntimeId(id))
            seen.insert(id.rawValue)
        }
        #expect(seen.count == 5_000)
        // A restart with the clock set back still gets a new session; so do two starts in one ms.
        let next = OKXClientOrderIdGenerator.nextSession(persistedHighWaterMark: generator.session, now: ms(1_700_000_000_000))
        #expect(next == generator.session + 1)
        var second = try OKXClientOrderIdGenerator(session: next)
        for _ in 0..<5_000 { #expect(seen.insert(second.next().rawValue).inserted) }
        #expect(!OKXClientOrderIdGenerator.isRuntimeId(ClientOrderId("HamsterParty14")))
        #expect(!OKXClientOrderIdGenerator.isRuntimeId(ClientOrderId("6b9ad766b55dBCDE63969a1144bfb943")))
        #expect(throws: ClientOrderIdError.self) { try OKXClientOrderIdGenerator(session: UInt64.max) }
    }

    @Test("a token bucket allows a burst of its capacity, then one per interval, and honours a pause")
    func tokenBucket() {
        var bucket = OKXTokenBucket(capacity: 30, windowNanoseconds: 2_000_000_000)
        var granted = 0
        for _ in 0..<40 where bucket.allows(at: ms(0)) {
            bucket.take(at: ms(0))
            granted += 1
        }
        #expect(granted == 30)
        #expect(bucket.earliest(at: ms(0)) == Timestamp(nanosecondsSinceEpoch: 66_666_666))
        bucket.pause(until: ms(5_000))
        #expect(!bucket.allows(at: ms(4_999)))
        #expect(bucket.allows(at: ms(5_000)))
    }

    @Test("rate buckets: half of OKX's limit per instrument, and no fixed 2 s window ever sees more than OKX allows")
    func rateBuckets() {
        var buckets = OKXRateBuckets()
        var sent: [Int64] = []
        var now: Int64 = 0
        while now < 20_000 {
            switch buckets.acquire(.place, instrument: btcUsdtSwap, at: ms(now)) {
            case .granted: sent.append(now)
            case .wait(let until): now = max(now + 1, until.millisecondsSinceEpoch)
            }
        }
        for start in stride(from: Int64(0), to: 18_000, by: 50) {
            #expect(sent.filter { $0 >= start && $0 < start + 2_000 }.count < 60)
        }
        // Another instrument has its own bucket...
        #expect(buckets.acquire(.place, instrument: btcUsdt, at: ms(now)) == .granted)
        // ...but the account's order bucket is shared (50061 otherwise).
        var account = OKXRateBuckets()
        var grantedAcross = 0
        for index in 0..<2_000 {
            let instrument = instrumentId("COIN\(index)-USDT")
            if account.acquire(.amend, instrument: instrument, at: ms(0)) == .granted { grantedAcross += 1 }
        }
        #expect(grantedAcross == 500)
    }
}
