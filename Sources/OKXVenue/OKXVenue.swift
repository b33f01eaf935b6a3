import Execution
import OKXTrading
import TradingCore

/// OKX as an ``ExecutionVenue``: the host's synchronous calls bridged to the asynchronous
/// ``OKXOrderDesk``.
///
/// - `submit`, `cancel` and `amend` check what can be checked at once (a repeated or unknown
///   client id), emit `.sent` for a new order, and queue the request. Queued requests leave on the
///   host's **next** call: by then the host has handled the `.sent` event, so no request leaves
///   before its row was handed to the writer.
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
    private let commands: AsyncStream<Command>.Continuation
    private let worker: Task<Void, Never>
    private var queued: [Command] = []
    private var records: [ClientOrderId: TradeRecord] = [:]
    private var attributed: [ClientOrderId: Money] = [:]
    private var notes: [OKXDeskNote] = []

    /// A venue over `desk` (whose socket pump feeds it pushes); `mode` is stamped on every record.
    public init(desk: OKXOrderDesk, mode: TradingMode) {
        self.mode = mode
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

    /// Stops the worker; queued requests that have not left are dropped.
    public func stop() {
        commands.finish()
        worker.cancel()
    }

    public func submit(_ request: OrderRequest, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError) {
        guard records[request.clientOrderId] == nil else { throw .duplicateClientOrderId(request.clientOrderId) }
        exchange(&events)
        let record = OrderLifecycle(request: request, mode: mode, decisionMid: nil).record
        records[request.clientOrderId] = record
        events.append(.sent(record))
        queued.append(.submit(request))
    }

    public func cancel(_ clientOrderId: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError) {
        guard records[clientOrderId] != nil else { throw .unknownOrder(clientOrderId) }
        exchange(&events)
        queued.append(.cancel(clientOrderId))
    }

    public func amend(_ clientOrderId: ClientOrderId, quantity: Quantity?, price: Price?, at time: Timestamp,
                      events: inout [VenueEvent]) throws(VenueRequestError) {
        guard records[clientOrderId] != nil else { throw .unknownOrder(clientOrderId) }
        guard quantity != nil || price != nil else { throw .emptyAmendment(clientOrderId) }
        exchange(&events)
        queued.append(.amend(clientOrderId, quantity: quantity, price: price))
    }

    /// Requests leave on the host's next call, not after a simulated delay.
    public var requestLatencyNanoseconds: Int64 { 0 }

    public func handle(book update: BookUpdate, events: inout [VenueEvent]) { exchange(&events) }

    public func handle(trade: TradeTick, events: inout [VenueEvent]) { exchange(&events) }

    public func handle(candle: Candle, events: inout [VenueEvent]) { exchange(&events) }

    public func advance(to time: Timestamp, events: inout [VenueEvent]) {
        exchange(&events)
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

    /// What operators must see (in-doubt orders, anomalies, external orders, mismatches, halts)
    /// since the last call.
    public func takeNotes() -> [OKXDeskNote] {
        defer { notes.removeAll() }
        return notes
    }

    /// What every call does: hand on the desk's events, then send the requests queued by earlier calls.
    private func exchange(_ events: inout [VenueEvent]) {
        take(into: &events)
        dispatch()
    }

    /// Sends the requests queued by earlier calls.
    private func dispatch() {
        for command in queued { commands.yield(command) }
        queued.removeAll()
    }

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
