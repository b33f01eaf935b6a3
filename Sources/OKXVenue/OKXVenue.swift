import Execution
import OKXTrading
import TradingCore

/// OKX as an ``ExecutionVenue``: the host's synchronous calls bridged to the asynchronous
/// ``OKXOrderDesk``.
///
/// - `submit`, `cancel` and `amend` check what can be checked at once (a repeated or unknown
///   client id). A new order emits `.sent` and is held until the host calls
///   ``recordsAreDurable()``, once it has committed the `.sent` row: no order reaches OKX without
///   its row, so a crash right after sending finds the row and looks the order up. A cancel or
///   amend leaves at once, unless its order is still held.
/// - Every call hands the desk's events since the last call (acks, fills, cancels, in any
///   order the desk settled them) to the host; `advance(to:events:)` also moves the desk's clock.
/// - Realized PnL the host attributes is kept here and patched into every later record of the
///   order, because the desk's records do not know it.
///
/// Not thread-safe: owned by the host's event loop like ``PaperVenue``. Market data is not needed
/// (OKX matches), so the market-data calls only hand events on.
public final class OKXVenue: ExecutionVenue {
    enum Command: Sendable {
        case submit(OrderRequest)
        case cancel(ClientOrderId)
        case amend(ClientOrderId, quantity: Quantity?, price: Price?)
        case tick
    }

    public let mode: TradingMode
    private let inbox = OKXVenueInbox()
    private let desk: OKXOrderDesk
    private let commands: AsyncStream<Command>.Continuation
    private let worker: Task<Void, Never>
    private var queued: [Command] = []
    private var records: [ClientOrderId: TradeRecord] = [:]
    private var attributed: [ClientOrderId: Money] = [:]
    private var notes: [OKXDeskNote] = []

    /// A venue over `desk` (whose socket pump feeds it pushes); `mode` is stamped on every record.
    public init(desk: OKXOrderDesk, mode: TradingMode) {
        self.mode = mode
        self.desk = desk
        let (stream, continuation) = AsyncStream.makeStream(of: Command.self)
        self.commands = continuation
        // One worker performs the requests in the order they were made.
        worker = Task { [inbox] in
            for await command in stream {
                switch command {
                case .submit(let request): try? await desk.submit(request)
                case .cancel(let id): try? await desk.cancel(id)
                case .amend(let id, let quantity, let price): try? await desk.amend(id, quantity: quantity, price: price)
                case .tick: await desk.tick()
                }
                inbox.append(events: await desk.takeEvents(), notes: await desk.takeNotes())
            }
        }
    }

    deinit { stop() }

    /// Waits until the worker has performed every request that left. What is still held never
    /// leaves: the host released it (``recordsAreDurable()``) or withdrew it, or never confirmed
    /// its row.
    public func drain() async {
        queued.removeAll()
        commands.finish()
        await worker.value
    }

    /// Stops the worker; queued requests that have not left are dropped.
    public func stop() {
        commands.finish()
        worker.cancel()
    }

    public func submit(_ request: OrderRequest, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError) {
        guard records[request.clientOrderId] == nil else { throw .duplicateClientOrderId(request.clientOrderId) }
        take(into: &events)
        let record = OrderLifecycle(request: request, mode: mode, decisionMid: nil).record
        records[request.clientOrderId] = record
        events.append(.sent(record))
        queued.append(.submit(request))
    }

    public func cancel(_ clientOrderId: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError) {
        guard records[clientOrderId] != nil else { throw .unknownOrder(clientOrderId) }
        take(into: &events)
        send(.cancel(clientOrderId), for: clientOrderId)
    }

    public func amend(_ clientOrderId: ClientOrderId, quantity: Quantity?, price: Price?, at time: Timestamp,
                      events: inout [VenueEvent]) throws(VenueRequestError) {
        guard records[clientOrderId] != nil else { throw .unknownOrder(clientOrderId) }
        guard quantity != nil || price != nil else { throw .emptyAmendment(clientOrderId) }
        take(into: &events)
        send(.amend(clientOrderId, quantity: quantity, price: price), for: clientOrderId)
    }

    /// A cancel or amend of an order already sent leaves at once: its row exists, and a cancel
    /// must not wait on the database. One of an order still held waits behind it, in order.
    private func send(_ command: Command, for clientOrderId: ClientOrderId) {
        let held = queued.contains { if case .submit(let request) = $0 { request.clientOrderId == clientOrderId } else { false } }
        if held { queued.append(command) } else { commands.yield(command) }
    }

    /// Requests leave once their rows are committed, not after a simulated delay.
    public var requestLatencyNanoseconds: Int64 { 0 }

    public var holdsRequests: Bool { !queued.isEmpty }

    public func recordsAreDurable() {
        for command in queued { commands.yield(command) }
        queued.removeAll()
    }

    /// Everything held is about held orders (``send(_:for:)``): they end rejected, and their
    /// cancels and amends go with them.
    public func withdrawHeldOrders(reason: String, events: inout [VenueEvent]) {
        for case .submit(let request) in queued {
            var lifecycle = OrderLifecycle(request: request, mode: mode, decisionMid: nil)
            try? lifecycle.reject(venueOrderId: nil, reason: reason, at: request.createdAt)
            records[request.clientOrderId] = lifecycle.record
            events.append(.rejected(lifecycle.record, reason: .venue(reason)))
        }
        queued.removeAll()
    }

    /// Orders the database holds as not yet ended, from before a restart: known again here and
    /// at the desk, which looks up whatever OKX had not confirmed (see ``OKXOrderDesk/restore(_:)``).
    public func restore(_ openRecords: [TradeRecord]) async {
        for record in openRecords { records[record.clientOrderId] = record }
        await desk.restore(openRecords)
    }

    public func fillApplied(_ fill: Fill, position: FixedPoint) {
        desk.heldPositions.applied(fill, position: position)
    }

    public func handle(book update: BookUpdate, events: inout [VenueEvent]) { take(into: &events) }

    public func handle(trade: TradeTick, events: inout [VenueEvent]) { take(into: &events) }

    public func handle(candle: Candle, events: inout [VenueEvent]) { take(into: &events) }

    public func advance(to time: Timestamp, events: inout [VenueEvent]) {
        take(into: &events)
        commands.yield(.tick)
    }

    public var openOrders: [TradeRecord] {
        records.values.filter { !$0.status.isTerminal }.sorted { $0.clientOrderId.rawValue < $1.clientOrderId.rawValue }
    }

    public func forgetCompletedOrders() {
        for (id, record) in records where record.status.isTerminal {
            records[id] = nil
            attributed[id] = nil
        }
    }

    /// OKX fills against its own book: there is no fill model to report.
    public var fillModels: [InstrumentId: FillModel] { [:] }

    public func attributeRealizedPnl(_ amount: Money, to clientOrderId: ClientOrderId) -> TradeRecord? {
        guard var record = records[clientOrderId] else { return nil }
        attributed[clientOrderId, default: .zero] = attributed[clientOrderId, default: .zero] + amount
        record.realizedPnl = record.realizedPnl + amount
        records[clientOrderId] = record
        return record
    }

    public func record(of clientOrderId: ClientOrderId) -> TradeRecord? { records[clientOrderId] }

    /// Takes the notes the desk made so far without waiting for the worker: at start-up, those
    /// of the first reconciliation, which the host acts on (a halt) before any strategy starts.
    public func takeDeskNotes() async {
        notes += await desk.takeNotes()
    }

    /// What operators must see and the host must do since the last call. In-doubt orders are
    /// only logged (the desk did): they are routine and settle themselves.
    public func takeNotices() -> [VenueNotice] {
        defer { notes.removeAll() }
        return notes.compactMap(\.notice)
    }

    public var hasNotices: Bool { !notes.isEmpty }

    /// The desk's events since the last call, with the attributed PnL patched in. The desk's own
    /// `.sent` is dropped: ``submit(_:at:events:)`` already emitted it.
    private func take(into events: inout [VenueEvent]) {
        let (arrived, arrivedNotes) = inbox.take()
        notes += arrivedNotes
        for event in arrived {
            if case .sent = event { continue }
            var record = event.record
            record.realizedPnl = record.realizedPnl + (attributed[record.clientOrderId] ?? .zero)
            records[record.clientOrderId] = record
            events.append(event.replacingRecord(record))
        }
    }
}
