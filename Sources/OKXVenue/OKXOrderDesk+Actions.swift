import Execution
import OKXTrading
import TradingCore

extension OKXOrderDesk {
    /// Performs an order's actions in order: events are recorded before the request after them is
    /// sent (the `.sent` row before the place), and every answer goes back to the same machine.
    func perform(_ actions: [OKXOrderAction], for id: ClientOrderId) async {
        for action in actions {
            switch action {
            case .emit(let event):
                if case .filled(let fill, _) = event { heldPositions.reported(fill) }
                pendingEvents.append(event)
            // The core reports refusals and OKX's own cancels apart from VenueEvent; they are
            // events for the host like any other, with OKX's code in the reason.
            case .refused(let record, let reason):
                logger.info("okx order refused", metadata: ["order": "\(id)", "reason": "\(reason)"])
                pendingEvents.append(.rejected(record, reason: .venue(reason)))
            case .canceledByVenue(let record, let source):
                pendingEvents.append(.canceled(record, reason: .venue(source.description)))
            case .inDoubt(let record, let reason):
                logger.warning("okx order in doubt; looking it up", metadata: ["order": "\(id)", "reason": "\(reason)"])
                note(.inDoubt(record, reason: reason))
            case .inferredFill(let quantity, let record, let reason):
                logger.warning("okx fill inferred", metadata: ["order": "\(id)", "reason": "\(reason)"])
                note(.inferredFill(quantity, record, reason: reason))
            case .haltTrading(let reason):
                logger.critical("okx trading must halt", metadata: ["reason": "\(reason)"])
                note(.halt(reason))
            case .anomaly(let text):
                logger.warning("okx anomaly", metadata: ["detail": "\(text)"])
                note(.anomaly(text))
            case .place(let request):
                await throttle(.place, request.instrument)
                await step(id) { machine, now, _ in machine.placeWritten(at: now) }
                let result = await rest.place(request)
                if case .answered(let ack) = result { pauseBucket(.place, request.instrument, after: ack) }
                await step(id) { machine, now, actions in
                    switch result {
                    case .answered(let ack): machine.placeAnswered(ack, at: now, actions: &actions)
                    case .failed(let failure): machine.placeFailed(written: failure.written, reason: failure.reason, at: now, actions: &actions)
                    }
                }
            case .cancel(let request):
                await throttle(.cancel, request.instrument)
                let result = await rest.cancel(request)
                if case .answered(let ack) = result { pauseBucket(.cancel, request.instrument, after: ack) }
                await step(id) { machine, now, actions in
                    switch result {
                    case .answered(let ack): machine.cancelAnswered(ack, at: now, actions: &actions)
                    case .failed: machine.cancelFailed(at: now, actions: &actions)
                    }
                }
            case .amend(let request):
                await throttle(.amend, request.instrument)
                let result = await rest.amend(request)
                if case .answered(let ack) = result { pauseBucket(.amend, request.instrument, after: ack) }
                await step(id) { machine, now, actions in
                    switch result {
                    case .answered(let ack): machine.amendAnswered(ack, at: now, actions: &actions)
                    case .failed: machine.amendFailed(at: now, actions: &actions)
                    }
                }
            case .lookup(let lookup):
                await throttle(.orderLookup, lookup.instrument)
                let result = await rest.lookup(lookup)
                await step(id) { machine, now, actions in
                    switch result {
                    case .found(let update): machine.lookupAnswered(update, at: now, actions: &actions)
                    case .notFound: machine.lookupAnswered(nil, at: now, actions: &actions)
                    case .failed: machine.lookupFailed(at: now)
                    }
                }
            case .fetchFills(let fetch):
                await throttle(.fills, fetch.instrument)
                let result = await rest.fills(fetch)
                await step(id) { machine, now, actions in
                    switch result {
                    case .success(let fills): machine.fillsFetched(fills, at: now, actions: &actions)
                    case .failure: machine.fillsFetchFailed(at: now, actions: &actions)
                    }
                }
            }
        }
    }
}
