import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

/// Random order flow against a random market, checked against the fill model's invariants.
@Suite("PaperVenue invariants under random order flow", .watchdog)
struct PaperVenueInvariantTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Runs a scripted random session and returns every event.
    func session(seed: UInt64, steps: Int = 600) throws -> [VenueEvent] {
        var random = Generator(state: seed)
        let venue = PaperVenue(instruments: [ethSpot],
                               configuration: PaperVenueConfiguration(latencyMilliseconds: Int64(random.next(3) * 10)))
        var events: [VenueEvent] = []
        var time: Int64 = 1_000
        var ids: [ClientOrderId] = []
        func price(_ ticks: Int) -> Price { Price(FixedPoint(units: Int64(10_000 + ticks), decimals: 2)) }
        func size() -> Quantity { Quantity(FixedPoint(units: Int64(1 + random.next(40)), decimals: 1)) }
        venue.handle(snapshot(ethSpot, bids: (1...5).map { BookLevel(price: price(-$0), size: size(), orderCount: 1) },
                              asks: (0..<5).map { BookLevel(price: price($0), size: size(), orderCount: 1) },
                              at: ms(time)), events: &events)
        for step in 0..<steps {
            time += Int64(1 + random.next(15))
            switch random.next(10) {
            case 0, 1, 2:
                let types: [OrderType] = [.market, .limit, .limit, .postOnly, .ioc, .fok]
                let type = types[random.next(types.count)]
                let side: Side = random.next(2) == 0 ? .buy : .sell
                let request = OrderRequest(clientOrderId: ClientOrderId("o\(step)"), strategy: "alpha", instrument: ethSpot.id,
                                           side: side, type: type, quantity: size(),
                                           price: type == .market ? nil : price(random.next(13) - 6), createdAt: ms(time))
                try venue.submit(request, at: ms(time), events: &events)
                ids.append(request.clientOrderId)
            case 3 where !ids.isEmpty:
                try venue.cancel(ids[random.next(ids.count)], at: ms(time), events: &events)
            case 4 where !ids.isEmpty:
                try venue.amend(ids[random.next(ids.count)], quantity: random.next(2) == 0 ? size() : nil,
                                price: price(random.next(13) - 6), at: ms(time), events: &events)
            case 5, 6, 7:
                let side: Side = random.next(2) == 0 ? .buy : .sell
                venue.handle(trade(ethSpot, price(random.next(13) - 6).description, size().description, taker: side,
                                   at: ms(time)), events: &events)
            default:
                let ticks = random.next(11) - 5
                let level = BookLevel(price: price(ticks), size: random.next(4) == 0 ? .zero : size(), orderCount: 1)
                let onBids = ticks < 0 || (ticks == 0 && random.next(2) == 0)
                venue.handle(update(ethSpot, bids: onBids ? [level] : [], asks: onBids ? [] : [level], at: ms(time)),
                             events: &events)
            }
        }
        venue.advance(to: ms(time + 1_000), events: &events)
        return events
    }

    @Test("fills respect limits and sizes, statuses match fills, and the same inputs give the same events",
          arguments: [UInt64(1), 7, 42, 2024, 99_991])
    func invariants(seed: UInt64) throws {
        let events = try session(seed: seed)
        #expect(events == (try session(seed: seed)))

        var filledByOrder: [ClientOrderId: FixedPoint] = [:]
        var last: [ClientOrderId: TradeRecord] = [:]
        var fillCount = 0
        for event in events {
            let record = event.record
            #expect(record.filledQuantity <= record.quantity)
            switch record.status {
            case .filled: #expect(record.filledQuantity == record.quantity && record.completedAt != nil)
            case .partiallyFilled: #expect(!record.filledQuantity.isZero && record.filledQuantity < record.quantity)
            case .cancelled, .rejected: #expect(record.completedAt != nil)
            case .submitted: #expect(record.filledQuantity.isZero && record.venueOrderId != nil)
            case .pending: #expect(record.venueOrderId == nil)
            case .failed: Issue.record("the paper venue never fails an order")
            }
            if let previous = last[record.clientOrderId], previous.status.isTerminal {
                // A finished order only ever gets a refused cancel or amendment afterwards.
                #expect(record == previous)
            }
            if case .filled(let fill, _) = event {
                fillCount += 1
                filledByOrder[fill.clientOrderId, default: .zero] += fill.quantity.value
                #expect(!fill.quantity.isZero)
                if let limit = record.price {
                    #expect(fill.side == .buy ? fill.price <= limit : fill.price >= limit)
                    if fill.liquidity == .maker { #expect(fill.price == limit) }
                }
                #expect(fill.feeCurrency == (fill.side == .buy ? "ETH" : "USDT"))
                #expect(record.type != .postOnly || fill.liquidity == .maker)
            }
            last[record.clientOrderId] = record
        }
        #expect(fillCount > 0)
        for (id, record) in last {
            #expect((filledByOrder[id] ?? .zero) == record.filledQuantity.value)
            if record.orderType == .fok { #expect(record.filledQuantity.isZero || record.status == .filled) }
            if record.orderType == .market || record.orderType == .ioc || record.orderType == .fok {
                #expect(record.status.isTerminal)
            }
        }
    }
}

private extension TradeRecord {
    var type: OrderType { orderType }
}
