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

    /// The quantity in base-currency units: the quantity itself for spot, contracts × contract
    /// value for linear derivatives.
    public func baseQuantity(_ quantity: Quantity) throws(FixedPointArithmeticError) -> FixedPoint {
        guard let contractValue else { return quantity.value }
        return try quantity.value.multiplied(by: contractValue.value)
    }

    /// The quote-currency value of `quantity` at `price` (contracts converted with the contract value).
    public func notional(price: Price, quantity: Quantity) throws(FixedPointArithmeticError) -> Money {
        Money(try price.value.multiplied(by: baseQuantity(quantity)))
    }

    /// `price` on the tick grid.
    public func roundPrice(_ price: Price, _ rule: RoundingRule) -> Price { price.rounded(toTick: tickSize, rule) }

    /// `quantity` on the lot grid (always rounded down, so an order never grows).
    public func roundQuantity(_ quantity: Quantity) -> Quantity { quantity.rounded(toLot: lotSize, .down) }
}
