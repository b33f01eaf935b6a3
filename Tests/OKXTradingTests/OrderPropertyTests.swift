import Execution
import MarketData
import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

/// MarketData's deterministic generator (SplitMix64): a failing seed reproduces exactly.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }
    mutating func delay(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }
}

/// One order against a fake OKX that loses, delays, repeats and reorders everything it can,
/// while the venue's truth is known: what was placed, what filled.
struct FaultySimulation {
    enum Delivery {
        case placeAnswer(OKXOrderAck)
        case placeDropped
        /// A push of the venue's state at `venueTime`.
        case push(OKXOrderUpdate, venueTime: Int64)
        case cancelAnswer(OKXOrderAck)
        /// The strategy asks to cancel.
        case strategyCancel
        /// The process dies and starts again from the database row.
        case restart
        /// After the restart: reconnected, reconciliation adopts OKX's view.
        case reconcile
        case lookupAnswer(OKXOrderUpdate?)
        case lookupFailed
        case fills([OKXFillDetail])
        case fillsFailed
        case tick
    }

    var random: SeededGenerator
    var order: OKXOrderStateMachine
    var queue: [(time: Int64, sequence: Int, delivery: Delivery)] = []
    var sequence = 0
    var actions: [OKXOrderAction] = []
    var now: Int64 = 1_000
    // The venue's truth.
    var placements = 0
    var canceledOnRequest = false
    /// Whether a restart hit the order before it ended.
    var restarted = false
    var rateLimitRefusals = 0
    var timeline: [(time: Int64, update: OKXOrderUpdate)] = []
    var venueFills: [(time: Int64, fill: OKXFillDetail)] = []
    let id: ClientOrderId
    let ordId: VenueOrderId

    init(seed: UInt64, index: Int) {
        random = SeededGenerator(seed: seed)
        id = ClientOrderId("r00000000a\(String(index, radix: 36))")
        ordId = VenueOrderId("\(900_000 + index)")
        var initial: [OKXOrderAction] = []
        var initialRandom = random
        let cancelAt = initialRandom.chance(30) ? initialRandom.delay(0...8_000) : nil
        let restartAt = initialRandom.chance(20) ? initialRandom.delay(0...15_000) : nil
        random = initialRandom
        order = OKXOrderStateMachine.submit(
            OrderRequest(clientOrderId: id, strategy: "prop", instrument: btcUsdtSwap, side: .buy, type: .limit, quantity: qty("10"),
                         price: px("100"), createdAt: ms(1_000)),
            defaults: OKXOrderDefaults(), timing: OKXOrderTiming(), mode: .live, decisionMid: nil, at: ms(1_000), actions: &initial)
        handle(initial)
        if let cancelAt { schedule(.strategyCancel, after: cancelAt) }
        if let restartAt { schedule(.restart, after: restartAt) }
    }

    mutating func schedule(_ delivery: Delivery, after delay: Int64) {
        sequence += 1
        queue.append((now + delay, sequence, delivery))
    }

    /// The venue's view of the order at `time` (what a lookup sees), nil if never placed.
    func venueView(at time: Int64) -> OKXOrderUpdate? {
        guard placements > 0 else { return nil }
        var latest = timeline.first?.update
        for entry in timeline where entry.time <= time { latest = entry.update }
        if var view = latest { view.fill = nil; return view }
        return nil
    }

    /// OKX receives the place: decides the order's whole future (fills, end) and schedules pushes.
    mutating func venueAccepts() {
        placements += 1
        var filled = Quantity.zero
        var time = now + random.delay(0...50)
        let state = { (filled: Quantity) -> OKXVenueOrderState in filled.isZero ? .live : .partiallyFilled }
        timeline.append((time, update(.live, filled: "0", size: "10", price: "100", ordId: ordId.rawValue, clOrdId: id.rawValue)))
        let fillCount = Int.random(in: 0...4, using: &random)
        for index in 0..<fillCount {
            let size = Quantity(FixedPoint(Int.random(in: 1...3, using: &random)))
            guard filled + size <= qty("10") else { break }
            filled = filled + size
            time += random.delay(1...3_000)
            let detail = fill("\(ordId.rawValue)-\(index)", size.description, at: "100", fee: "0.01", ordId: ordId.rawValue,
                              clOrdId: id.rawValue, time: time)
            venueFills.append((time, detail))
            timeline.append((time, update(filled == qty("10") ? .filled : state(filled), filled: filled.description, fill: detail,
                                          size: "10", price: "100", average: "100", ordId: ordId.rawValue, clOrdId: id.rawValue)))
        }
        if filled != qty("10") {
            time += random.delay(1...3_000)
            timeline.append((time, update(.canceled, filled: filled.description, size: "10", price: "100", average: filled.isZero ? nil : "100",
                                          ordId: ordId.rawValue, clOrdId: id.rawValue, cancelSource: "14")))
        }
        for entry in timeline {
            // Pushes are lost (a disconnect), repeated, and delayed out of order.
            if random.chance(20) { continue }
            let copies = random.chance(15) ? 2 : 1
            for _ in 0..<copies { schedule(.push(entry.update, venueTime: entry.time), after: entry.time - now + random.delay(0...2_000)) }
        }
    }

    /// OKX receives our cancel at `now`: an order still open ends here (its later fills never
    /// happen); one that already ended answers 51400.
    mutating func venueCancels() {
        guard placements > 0, let last = timeline.last, last.time > now else {
            schedule(.cancelAnswer(ack("51400", ordId: nil, clOrdId: id.rawValue, message: "already final")), after: random.delay(1...300))
            return
        }
        timeline.removeAll { $0.time > now }
        venueFills.removeAll { $0.time > now }
        queue.removeAll { if case .push(_, let venueTime) = $0.delivery { venueTime > now } else { false } }
        let filled = venueFills.reduce(Quantity.zero) { $0 + $1.fill.quantity }
        let time = now + random.delay(1...200)
        let canceled = update(.canceled, filled: filled.description, size: "10", price: "100", average: filled.isZero ? nil : "100",
                              ordId: ordId.rawValue, clOrdId: id.rawValue, cancelSource: "1")
        timeline.append((time, canceled))
        canceledOnRequest = true
        schedule(.cancelAnswer(ack("0", ordId: ordId.rawValue, clOrdId: id.rawValue)), after: random.delay(1...300))
        if !random.chance(20) { schedule(.push(canceled, venueTime: time), after: time - now + random.delay(0...2_000)) }
    }

    mutating func handle(_ new: [OKXOrderAction]) {
        actions += new
        for action in new {
            switch action {
            case .place:
                order.placeWritten(at: ms(now))
                let roll = Int.random(in: 0..<100, using: &random)
                switch roll {
                case 0..<10:  // refused for its rate: not executed
                    rateLimitRefusals += 1
                    schedule(.placeAnswer(ack("50011", ordId: nil, clOrdId: id.rawValue, message: "Too Many Requests")), after: random.delay(1...300))
                case 10..<15:  // refused for good
                    schedule(.placeAnswer(ack("51008", ordId: nil, clOrdId: id.rawValue, message: "Insufficient balance")), after: random.delay(1...300))
                case 15..<25:  // the connection drops before OKX gets it
                    schedule(.placeDropped, after: random.delay(1...500))
                case 25..<35:  // OKX gets it, then the connection drops before the ack
                    venueAccepts()
                    schedule(.placeDropped, after: random.delay(1...500))
                case 35..<45:  // OKX gets it and answers 50004
                    venueAccepts()
                    schedule(.placeAnswer(ack("50004", ordId: nil, clOrdId: id.rawValue, message: "timeout")), after: random.delay(1...500))
                case 45..<55:  // OKX gets it, the ack is lost: our timeout decides
                    venueAccepts()
                default:  // OKX gets it and acks, possibly after its pushes
                    venueAccepts()
                    schedule(.placeAnswer(ack("0", ordId: ordId.rawValue, clOrdId: id.rawValue)), after: random.delay(1...12_000))
                }
            case .lookup:
                if random.chance(10) { schedule(.lookupFailed, after: random.delay(1...500)); continue }
                let delay = random.delay(1...500)
                schedule(.lookupAnswer(venueView(at: now)), after: delay)
            case .fetchFills:
                if random.chance(10) { schedule(.fillsFailed, after: random.delay(1...500)); continue }
                let fills = venueFills.filter { $0.time <= now }.map(\.fill)
                schedule(.fills(fills), after: random.delay(1...500))
            case .cancel:
                if random.chance(10) { continue }  // lost on the way: our timeout and lookup settle it
                venueCancels()
            case .emit, .refused, .canceledByVenue, .amend, .inDoubt, .inferredFill, .haltTrading, .anomaly:
                break
            }
        }
    }

    /// Runs until the order is done and nothing is left to deliver, with a periodic sweep (the
    /// reconciliation of open orders against OKX's pending list) every 30 s.
    mutating func run() {
        var nextSweep: Int64 = 31_000
        while (!order.isDone || !queue.isEmpty) && now < 600_000 {
            if queue.isEmpty || !order.isDone { schedule(.tick, after: 250) }
            queue.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
            let next = queue.removeFirst()
            now = max(now, next.time)
            var new: [OKXOrderAction] = []
            switch next.delivery {
            case .placeAnswer(let answer): order.placeAnswered(answer, at: ms(now), actions: &new)
            case .placeDropped: order.placeFailed(written: true, reason: "connection dropped", at: ms(now), actions: &new)
            case .push(let update, _): order.venueUpdated(update, at: ms(now), actions: &new)
            case .cancelAnswer(let answer): order.cancelAnswered(answer, at: ms(now), actions: &new)
            case .strategyCancel: order.requestCancel(at: ms(now), actions: &new)
            case .restart:
                // Only the row survives (every emitted event was persisted); trade ids are not stored.
                restarted = restarted || !order.isDone
                order = OKXOrderStateMachine.restore(order.lifecycle, tradeIds: [], unattributedQuantity: order.lifecycle.filledQuantity,
                                                     defaults: OKXOrderDefaults(), timing: OKXOrderTiming(), at: ms(now))
                // Everything in flight on the old connection is lost; pushes of later venue events
                // arrive on the new one.
                let reconnected = now + 2_000
                queue.removeAll { entry in
                    if case .push = entry.delivery { entry.time <= reconnected } else { true }
                }
                schedule(.reconcile, after: 2_000)
            case .reconcile:
                order.lookupAnswered(venueView(at: now), at: ms(now), actions: &new)
            case .lookupAnswer(let update): order.lookupAnswered(update, at: ms(now), actions: &new)
            case .lookupFailed: order.lookupFailed(at: ms(now))
            case .fills(let fills): order.fillsFetched(fills, at: ms(now), actions: &new)
            case .fillsFailed: order.fillsFetchFailed(at: ms(now), actions: &new)
            case .tick:
                queue.removeAll { if case .tick = $0.delivery { true } else { false } }
                order.advance(to: ms(now), actions: &new)
                if now >= nextSweep, order.phase == .open || { if case .closing = order.phase { true } else { false } }() {
                    nextSweep = now + 30_000
                    order.lookupAnswered(venueView(at: now), at: ms(now), actions: &new)
                }
            }
            handle(new)
        }
    }
}

@Suite("OKX order state machine: random fault interleavings", .watchdog)
struct OrderPropertyTests {
    @Test("thousands of orders with cancels racing fills and restarts: never placed twice, no fill lost or doubled, every order ends as OKX says")
    func randomInterleavings() {
        let seed: UInt64 = 0x0DD_5EED_2026
        var generator = SeededGenerator(seed: seed)
        var totals = (placed: 0, inDoubt: 0, inferred: 0, rateLimited: 0, canceled: 0, restarted: 0)
        for index in 0..<3_000 {
            let orderSeed = generator.next()
            var simulation = FaultySimulation(seed: orderSeed, index: index)
            simulation.run()
            let context = "order \(index), seed \(orderSeed)"
            let order = simulation.order
            #expect(order.isDone, "\(context): not done, phase \(order.phase)")
            // Zero duplicate orders: OKX saw at most one placement, and we only ever sent again after a rate limit.
            #expect(simulation.placements <= 1, "\(context)")
            // (A strategy cancel during a rate-limit pause drops the resend: fewer is fine, more never.)
            #expect(simulation.actions.places.count <= 1 + simulation.rateLimitRefusals, "\(context)")
            // Zero lost fills, zero doubled fills: what we applied equals what OKX executed.
            let venueFilled = simulation.venueFills.reduce(Quantity.zero) { $0 + $1.fill.quantity }
            let applied = simulation.actions.fills.reduce(Quantity.zero) { $0 + $1.quantity }
            #expect(applied == venueFilled, "\(context): applied \(applied), OKX filled \(venueFilled)")
            #expect(order.record.filledQuantity == venueFilled, "\(context)")
            #expect(simulation.actions.accepts <= 1, "\(context)")
            // The record ends the way OKX ended the order.
            if simulation.placements == 0 {
                // Refused, never placed (expired), or canceled by the strategy before it went.
                #expect([.rejected, .failed, .cancelled].contains(order.record.status), "\(context): \(order.record.status)")
            } else {
                #expect(order.record.status == (venueFilled == qty("10") ? .filled : .cancelled), "\(context): \(order.record.status)")
            }
            #expect(simulation.actions.halts.isEmpty, "\(context)")
            totals.placed += simulation.placements
            totals.inDoubt += simulation.actions.inDoubt ? 1 : 0
            totals.inferred += simulation.actions.inferred.isEmpty ? 0 : 1
            totals.rateLimited += simulation.rateLimitRefusals
            totals.canceled += simulation.canceledOnRequest ? 1 : 0
            totals.restarted += simulation.restarted ? 1 : 0
        }
        // The faults really happened (a generator that never drops proves nothing).
        #expect(totals.inDoubt > 500)
        #expect(totals.rateLimited > 100)
        #expect(totals.placed > 1_500)
        #expect(totals.canceled > 200)
        #expect(totals.restarted > 200)
    }
}
