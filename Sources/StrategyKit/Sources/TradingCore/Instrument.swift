/// Trading rules of one instrument: the grid prices and sizes live on and, for contracts,
/// what one contract is worth. The host loads these from `config/instruments.yaml`.
public struct Instrument: Hashable, Sendable {
    public var id: InstrumentId
    /// The smallest price increment (`tickSz`).
    public var tickSize: Price
    /// The smallest size increment (`lotSz`): base currency for spot, contracts otherwise.
    public var lotSize: Quantity
    /// The smallest order size (`minSz`).
    public var minSize: Quantity
    /// For swaps and futures, the amount of `contractCurrency` one contract represents (`ctVal`);
    /// nil for spot.
    public var contractValue: Quantity?
    /// The currency `contractValue` is counted in (`ctValCcy`), e.g. `BTC` for BTC-USDT-SWAP.
    public var contractCurrency: String?

    public init(id: InstrumentId, tickSize: Price, lotSize: Quantity, minSize: Quantity,
                contractValue: Quantity? = nil, contractCurrency: String? = nil) {
        self.id = id
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.minSize = minSize
        self.contractValue = contractValue
        self.contractCurrency = contractCurrency
    }

    /// Whether one contract is worth a fixed amount of the quote currency (OKX's inverse,
    /// coin-margined contracts such as BTC-USD-SWAP: `ctVal` 100, `ctValCcy` USD).
    public var isInverse: Bool {
        guard let contractCurrency, contractValue != nil else { return false }
        return contractCurrency == id.quote
    }

    /// The quantity in units of the contract currency: the quantity itself for spot, contracts
    /// × contract value for derivatives (base currency for linear contracts, quote currency
    /// for inverse ones).
    public func baseQuantity(_ quantity: Quantity) throws(FixedPointArithmeticError) -> FixedPoint {
        guard let contractValue else { return quantity.value }
        return try quantity.value.multiplied(by: contractValue.value)
    }

    /// The quote-currency value of `quantity` at `price`: price × size for spot, price ×
    /// contracts × contract value for linear contracts, and contracts × contract value (already
    /// in the quote currency, whatever the price) for inverse contracts.
    public func notional(price: Price, quantity: Quantity) throws(FixedPointArithmeticError) -> Money {
        if isInverse { return Money(try baseQuantity(quantity)) }
        return Money(try price.value.multiplied(by: baseQuantity(quantity)))
    }

    /// Whether `price` lies on the tick grid.
    public func isOnTick(_ price: Price) -> Bool { price.value.isMultiple(of: tickSize.value) }

    /// Whether `quantity` lies on the lot grid and is at least the minimum size.
    public func isValidOrderSize(_ quantity: Quantity) -> Bool {
        quantity >= minSize && quantity.value.isMultiple(of: lotSize.value)
    }

    /// Checks that the metadata is usable: positive tick, lot and minimum sizes, a minimum size
    /// on the lot grid, and a contract value (with its currency) exactly when the instrument
    /// is a derivative. Returns the first problem, naming the field, or nil.
    public func validationProblem() -> InstrumentValidationError? {
        func problem(_ field: String, _ reason: String) -> InstrumentValidationError {
            InstrumentValidationError(instrument: id.symbol, field: field, reason: reason)
        }
        if !tickSize.value.isPositive { return problem("tickSize", "must be greater than zero, got \(tickSize)") }
        if !lotSize.value.isPositive { return problem("lotSize", "must be greater than zero, got \(lotSize)") }
        if !minSize.value.isPositive { return problem("minSize", "must be greater than zero, got \(minSize)") }
        if !minSize.value.isMultiple(of: lotSize.value) {
            return problem("minSize", "\(minSize) is not a multiple of the lot size \(lotSize)")
        }
        if id.isDerivative {
            guard let contractValue else { return problem("contractValue", "is required for a \(id.kind.rawValue) instrument") }
            if !contractValue.value.isPositive { return problem("contractValue", "must be greater than zero, got \(contractValue)") }
            guard let contractCurrency, !contractCurrency.isEmpty else {
                return problem("contractCurrency", "is required for a \(id.kind.rawValue) instrument")
            }
            if id.kind != .option && contractCurrency != id.base && contractCurrency != id.quote {
                return problem("contractCurrency", "'\(contractCurrency)' is neither the base \(id.base) nor the quote \(id.quote)")
            }
        } else {
            if contractValue != nil { return problem("contractValue", "must be absent for a spot instrument") }
            if contractCurrency != nil { return problem("contractCurrency", "must be absent for a spot instrument") }
        }
        return nil
    }

    /// `price` on the tick grid.
    public func roundPrice(_ price: Price, _ rule: RoundingRule) -> Price { price.rounded(toTick: tickSize, rule) }

    /// `quantity` on the lot grid (always rounded down, so an order never grows).
    public func roundQuantity(_ quantity: Quantity) -> Quantity { quantity.rounded(toLot: lotSize, .down) }
}

/// Why instrument metadata was refused: the instrument, the field and the reason.
public struct InstrumentValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The instrument id as written.
    public var instrument: String
    /// The offending field.
    public var field: String
    /// What is wrong with it.
    public var reason: String

    /// Creates the error.
    public init(instrument: String, field: String, reason: String) {
        self.instrument = instrument
        self.field = field
        self.reason = reason
    }

    public var description: String { "instrument \(instrument): \(field) \(reason)" }
}
