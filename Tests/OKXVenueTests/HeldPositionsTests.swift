import OKXTrading
@testable import OKXVenue
import Testing
import TradingCore
import TradingTestSupport

@Suite("The positions reconciliation compares: the portfolio's plus the fills on their way to it")
struct HeldPositionsTests {
    func fill(_ side: Side, _ size: String) -> Fill {
        Fill(clientOrderId: ClientOrderId("o1"), venueOrderId: VenueOrderId("v1"), strategy: "alpha", instrument: btcSwap.id, side: side, positionSide: .net,
             price: px("60000"), quantity: qty(size), fee: .zero, feeCurrency: "USDT", liquidity: .taker, timestamp: .zero)
    }

    func size(_ held: OKXHeldPositions) -> FixedPoint? { held.snapshot.first { $0.instrument == btcSwap.id }?.size }

    @Test("a fill counts once: while reported and not yet applied, and after the portfolio applied it")
    func eachFillOnce() {
        let held = OKXHeldPositions()
        held.set(fp("2"), strategy: "alpha", instrument: btcSwap.id, positionSide: .net)
        #expect(size(held) == fp("2"))
        held.reported(fill(.buy, "1"))
        #expect(size(held) == fp("3"), "OKX already holds the fill the host has not applied")
        held.reported(fill(.sell, "0.5"))
        held.applied(fill(.buy, "1"), position: fp("3"))
        #expect(size(held) == fp("2.5"))
        held.applied(fill(.sell, "0.5"), position: fp("2.5"))
        #expect(size(held) == fp("2.5"))
        #expect(held.snapshot.first?.strategies == ["alpha"])
    }
}
