import TradingCore

extension OKXPrivateSession {
    /// A decoded frame arrived.
    public mutating func received(_ message: OKXPrivateMessage, at now: Timestamp, actions: inout [Action]) {
        noteReceived(at: now)
        switch (state, message) {
        case (_, .pong), (_, .connectionCount), (_, .ignored):
            return
        case (.loggingIn, .loggedIn):
            let names = Set(configuration.channels.map(\.channel))
            state = .subscribing(waitingFor: names, since: now)
            actions.append(.sendText(OKXPrivateChannel.subscribeRequest(configuration.channels)))
        case (.loggingIn, .error(let code, let text, _)):
            let errorClass = OKXErrorClass(code: code)
            if errorClass == .authentication {
                // A refused login does not get better by retrying (and OKX limits logins per hour).
                state = .halted(reason: "OKX refused the login: \(code) \(text)")
                actions.append(.closeConnection(reason: "login refused"))
                actions.append(.halt(reason: "OKX refused the login: \(code) \(text); check the key, passphrase, clock and demo/live environment"))
            } else {
                actions.append(.closeConnection(reason: "login error \(code) \(text)"))
                scheduleReconnect(after: "login error \(code)", at: now, actions: &actions)
            }
        case (.subscribing(var waiting, let since), .subscribed(let channel)):
            waiting.remove(channel)
            if waiting.isEmpty {
                generation += 1
                state = .reconciling(generation: generation)
                actions.append(.startReconciliation(generation: generation))
            } else {
                state = .subscribing(waitingFor: waiting, since: since)
            }
        case (.subscribing, .error(let code, let text, _)):
            actions.append(.closeConnection(reason: "subscription refused: \(code) \(text)"))
            scheduleReconnect(after: "subscription error \(code)", at: now, actions: &actions)
        case (_, .notice(let code, let text)):
            // 64008: OKX will close the connection for an upgrade; reconnect now, on our terms.
            guard isConnected else { return }
            actions.append(.closeConnection(reason: "notice \(code): \(text)"))
            scheduleReconnect(after: "notice \(code)", at: now, actions: &actions)
        case (.ready, .orders), (.ready, .positions):
            actions.append(.deliver(message))
        case (.subscribing, .orders), (.subscribing, .positions), (.reconciling, .orders), (.reconciling, .positions):
            buffer.append(message)
        case (_, .operation), (_, .error):
            // Answers to our requests (and their errors) are never held back.
            actions.append(.deliver(message))
        default:
            return
        }
    }

    /// Whether a socket is open (a frame can arrive and a close means something).
    var isConnected: Bool {
        switch state {
        case .loggingIn, .subscribing, .reconciling, .ready: true
        case .idle, .connecting, .waitingToReconnect, .halted: false
        }
    }
}
