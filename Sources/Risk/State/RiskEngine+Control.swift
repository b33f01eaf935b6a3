import TradingCore

extension RiskEngine {
    /// Applies an operator's command (`runtime pause|resume|stop|halt NAME`) and returns the
    /// transition to persist (it is also in the outbox). A refusal (a viewer, or an edge the
    /// state machine does not have) is returned as an error and audited with success = false.
    @discardableResult
    public func apply(_ command: OperatorCommand, to name: StrategyName, by user: OperatorIdentity,
                      at time: Timestamp) -> Result<StrategyTransition, StrategyTransitionError> {
        guard let index = handles[name] else {
            let error = StrategyTransitionError.unknownStrategy(name.rawValue)
            auditRefusal(command.auditAction, resource: name.rawValue, user: user, old: .null, error: error, at: time)
            return .failure(error)
        }
        let book = books[index]
        switch book.state.transition(to: command.targetState, by: .operator) {
        case .failure(let error):
            auditRefusal(command.auditAction, resource: name.rawValue, user: user, old: Self.stateValue(book.state), error: error, at: time)
            return .failure(error)
        case .success(let target):
            let transition = makeTransition(book: book, to: target, authority: .operator, actor: user.user, user: user.user,
                                            action: command.auditAction, eventType: .stateChange,
                                            severity: target == .halted ? .critical : .info,
                                            description: "\(user.user) ran \(command.rawValue): "
                                                + "\(book.state.rawValue) -> \(target.rawValue)",
                                            metric: nil, at: time)
            return .success(transition)
        }
    }

    /// Engages the kill switch: from now on no order passes, reducing ones included, until an
    /// operator releases it. `user` nil means the risk engine engaged it (account daily loss).
    public func engageKillSwitch(reason: String, by user: OperatorIdentity?, at time: Timestamp) {
        guard !killSwitchEngaged else { return }
        killSwitchEngaged = true
        recordKillSwitch(engaged: true, reason: reason, user: user, at: time)
    }

    /// Releases the kill switch on an operator's (authorized) request.
    public func releaseKillSwitch(by user: OperatorIdentity, at time: Timestamp) {
        guard killSwitchEngaged else { return }
        killSwitchEngaged = false
        recordKillSwitch(engaged: false, reason: "released by \(user.user)", user: user, at: time)
    }

    private func recordKillSwitch(engaged: Bool, reason: String, user: OperatorIdentity?, at time: Timestamp) {
        let actor = user?.user ?? AuditRecord.riskEngineActor
        outbox.append(.event(RiskEvent(eventType: .killSwitch, severity: engaged ? .critical : .warning, strategy: nil, symbol: nil,
                                       description: "kill switch \(engaged ? "engaged" : "released") by \(actor): \(reason)",
                                       metricName: "kill_switch", metricValue: engaged ? .one : .zero, thresholdValue: nil,
                                       actionTaken: engaged ? "kill_switch_engaged" : "kill_switch_released", createdAt: time)))
        outbox.append(.audit(AuditRecord(actor: actor, user: user?.user, action: engaged ? "kill_switch.engage" : "kill_switch.release",
                                         resourceType: "account", resourceId: "kill_switch",
                                         oldValue: .object(["engaged": .bool(!engaged)]),
                                         newValue: .object(["engaged": .bool(engaged), "reason": .string(reason)]),
                                         success: true, errorMessage: nil, createdAt: time)))
    }

    private func auditRefusal(_ action: String, resource: String, user: OperatorIdentity, old: JSONValue,
                              error: StrategyTransitionError, at time: Timestamp) {
        outbox.append(.audit(AuditRecord(actor: user.user, user: user.user, action: action, resourceType: "strategy",
                                         resourceId: resource, oldValue: old, newValue: .null, success: false,
                                         errorMessage: error.description, createdAt: time)))
    }

    static func stateValue(_ state: StrategyTradingState, reason: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["status": .string(state.rawValue)]
        if let reason { members["reason"] = .string(reason) }
        return .object(members)
    }

    /// Moves a strategy by the risk engine if the state machine allows it; nil otherwise (for
    /// example when it already is halted), so repeated breaches do not repeat the transition.
    @discardableResult
    // The description is an autoclosure: a monitor past its reduce level asks on every mark, and
    // formatting its figures each time cost more than the rest of the mark (issue 19's bars/s).
    func tighten(_ book: StrategyBook, to target: StrategyTradingState, eventType: RiskEventType,
                 description: @autoclosure () -> String, metric: RiskBreachMetric?, at time: Timestamp) -> StrategyTransition? {
        guard book.state.canTransition(to: target, by: .riskEngine) else { return nil }
        return makeTransition(book: book, to: target, authority: .riskEngine, actor: AuditRecord.riskEngineActor, user: nil,
                              action: "strategy.\(target == .halted ? "halt" : target.rawValue)", eventType: eventType,
                              severity: target == .halted ? .critical : .warning, description: description(), metric: metric, at: time)
    }

    private func makeTransition(book: StrategyBook, to target: StrategyTradingState, authority: TransitionAuthority,
                                actor: String, user: String?, action: String, eventType: RiskEventType, severity: RiskSeverity,
                                description: String, metric: RiskBreachMetric?, at time: Timestamp) -> StrategyTransition {
        let from = book.state
        book.state = target
        let event = RiskEvent(eventType: eventType, severity: severity, strategy: book.name, symbol: metric?.symbol,
                              description: description, metricName: metric?.name, metricValue: metric?.value,
                              thresholdValue: metric?.threshold, actionTaken: target.rawValue, createdAt: time)
        var newValue: [String: JSONValue] = ["status": .string(target.rawValue), "reason": .string(description)]
        if let metric {
            newValue["metric_name"] = .string(metric.name)
            newValue["metric_value"] = .string(metric.value.description)
            newValue["threshold_value"] = .string(metric.threshold.description)
        }
        let audit = AuditRecord(actor: actor, user: user, action: action, resourceType: "strategy", resourceId: book.name.rawValue,
                                oldValue: Self.stateValue(from), newValue: .object(newValue), success: true,
                                errorMessage: nil, createdAt: time)
        let transition = StrategyTransition(strategy: book.name, from: from, to: target, authority: authority,
                                            event: event, audit: audit, at: time)
        outbox.append(.transition(transition))
        return transition
    }
}

/// The figure behind a monitor's transition, for the risk_events row.
struct RiskBreachMetric {
    var name: String
    var value: FixedPoint
    var threshold: FixedPoint
    var symbol: String?
}

extension RiskEngine {
    /// `runtime halt --all`: halts every strategy that is not already halted or stopped, each
    /// with its own transition; refusals (a viewer) are audited once per strategy.
    @discardableResult
    public func haltAll(by user: OperatorIdentity, at time: Timestamp) -> [Result<StrategyTransition, StrategyTransitionError>] {
        books.filter { $0.state != .halted && $0.state != .stopped }
            .map { apply(.halt, to: $0.name, by: user, at: time) }
    }

    /// Takes over a state change that was already persisted and audited elsewhere (the CLI
    /// wrote strategies.status and its audit row; the running host learned of it through
    /// LISTEN/NOTIFY or polling). Produces no outputs, so nothing is recorded twice.
    public func adoptPersistedState(_ state: StrategyTradingState, for name: StrategyName) {
        guard let index = handles[name] else { return }
        books[index].state = state
    }
}

extension RiskBreach {
    /// A sentence for the strategy (and logs) saying why its order was refused or trimmed.
    /// Builds a string: call it off the accept path, when the host reports back.
    public func explanation(for request: OrderRequest) -> String {
        RiskEngine.reason(self, request: request)
    }
}
