import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

@Suite("OKX lists of open orders and fills are read page by page", .watchdog)
struct PagingTests {
    @Test("130 open orders and 120 fills come back whole, over two pages each")
    func everyPage() async throws {
        let venue = try await Harness.start(withSocket: false)
        defer { Task { await venue.shutdown() } }
        try await venue.book()
        for _ in 0..<130 {
            _ = try await venue.server.placeExternalOrder(instrument: btcSwap.id, side: .buy, size: qty("0.01"), price: px("59000"))
        }
        for _ in 0..<120 {
            _ = try await venue.server.placeExternalOrder(instrument: btcSwap.id, side: .buy, size: qty("0.01"), price: px("60000.1"))
        }
        let pending = try await venue.rest.pendingOrders().get()
        #expect(pending.count == 130)
        #expect(Set(pending.map(\.venueOrderId)).count == 130, "no order twice")
        let fills = try await venue.rest.recentFills().get()
        #expect(fills.count == 120)
        #expect(Set(fills.map(\.tradeId)).count == 120, "no fill twice")
        let pageRequests = venue.server.snapshot { $0.requests.map(\.uri) }.filter { $0.contains("after=") }
        #expect(pageRequests.contains { $0.hasPrefix("/api/v5/trade/orders-pending") }, "\(pageRequests)")
        #expect(pageRequests.contains { $0.hasPrefix("/api/v5/trade/fills") }, "\(pageRequests)")
    }
}
