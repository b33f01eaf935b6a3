import Ledger
import Portfolio
@_spi(Host) import StrategyKit
import TradingCore

/// The host's side of a context in these tests: the real ledger (portfolio and order book of
/// record) that the context reads, recorded into as the engine would, without risk or a venue.
final class LedgerHost {
    let ledger: TradingLedger
    let context: StrategyContext
    private var fillNumber = 0

    init(name: StrategyName, instruments: [Instrument], capital: Money = .zero, prefix: String? = nil, startTime: Timestamp = .zero) {
        ledger = TradingLedger(portfolio: Portfolio(instruments: instruments, allocatedCapital: [name: capital], mode: .paper))
        context = StrategyContext(name: name, instruments: instruments, allocatedCapital: capital, clientOrderIdPrefix: prefix,
                                  startTime: startTime, ledger: ledger.view(for: name))
    }

    /// Takes the queued commands as sent and accepted (cancels and amends as requested).
    @discardableResult
    func send() -> [OrderCommand] {
        let commands = context.takeOutbox()
        for command in commands {
            switch command {
            case .submit(let request):
                ledger.recordSent(request)
                ledger.recordAccepted(request.clientOrderId, of: request.strategy)
            case .cancel(let id, _):
                ledger.recordCancelRequested(id, of: context.name)
            case .amend(let id, _, let quantity, _):
                ledger.recordAmendRequested(id, of: context.name, quantity: quantity)
            }
        }
        return commands
    }

    /// Fills `quantity` (all of the rest by default) of an open order at `price`.
    func fill(_ id: ClientOrderId, price: String, quantity: String? = nil, fee: String = "0", feeCurrency: String? = nil) throws {
        guard let order = ledger.openOrder(id, of: context.name) else { throw LedgerHostError.notOpen(id) }
        fillNumber += 1
        let size = try quantity.map { try Quantity(parsing: $0) } ?? order.remainingQuantity
        let fill = Fill(clientOrderId: id, venueOrderId: VenueOrderId("PAPER-\(fillNumber)"), strategy: context.name,
                        instrument: order.instrument, side: order.side, positionSide: .net, price: try Price(parsing: price),
                        quantity: size, fee: try Money(parsing: fee), feeCurrency: feeCurrency ?? order.instrument.quote,
                        liquidity: .taker, timestamp: context.now)
        _ = try ledger.apply(fill)
        if ledger.openOrder(id, of: context.name)?.remainingQuantity.isZero == true { ledger.recordEnded(id, of: context.name) }
    }

    /// Marks every position in `instrument` at `price`.
    func mark(_ instrument: InstrumentId, _ price: String) throws {
        ledger.portfolio.mark(instrument, price: try Price(parsing: price), at: context.now)
    }
}

enum LedgerHostError: Error { case notOpen(ClientOrderId) }
