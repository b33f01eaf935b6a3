import TestSupport
import Testing
import TradingCore
import MarketData

/// `runtime replay --speed Nx` and a paced ``ReplayFeed`` wait what ``ReplayPacer`` says.
@Suite(.watchdog) struct ReplayPacerTests {
    static let start = Timestamp(millisecondsSinceEpoch: 1_722_000_000_000)

    static func delays(_ offsetsInMilliseconds: [Int64], speed: Double) -> [Duration] {
        var pacer = ReplayPacer(speed: speed)
        return offsetsInMilliseconds.map { pacer.delay(before: start.advanced(byMilliseconds: $0)) }
    }

    @Test("event time passes speed times faster than wall time")
    func pacesOnEventTime() {
        #expect(Self.delays([0, 1_000, 3_000, 3_000], speed: 2) == [.zero, .milliseconds(500), .seconds(1), .zero])
    }

    @Test("a frame stamped earlier plays at once, and the next one does not wait again for the time it went back")
    func followsTheLatestTimePlayed() {
        // A trade, the minute's candle push (stamped at the bar's open, 100 s earlier here), the
        // next trade a second later: 0.1 s at 10x. Paced on each frame's own time, the third
        // waited 10.1 s, at almost every step of a raw recording played in line order.
        #expect(Self.delays([0, -100_000, 1_000], speed: 10) == [.zero, .zero, .milliseconds(100)])
    }
}
