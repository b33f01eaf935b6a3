import TradingCore

/// Maker and taker fee rates as fractions of the traded amount (0.001 = 0.10%). A negative
/// maker rate is a rebate.
public struct FeeRates: Hashable, Sendable {
    public var maker: FixedPoint
    public var taker: FixedPoint

    public init(maker: FixedPoint, taker: FixedPoint) {
        self.maker = maker
        self.taker = taker
    }

    /// The rate for a fill that added (`maker`) or took (`taker`) liquidity.
    public func rate(for liquidity: Liquidity) -> FixedPoint { liquidity == .maker ? maker : taker }
}

/// One fee charge: how much, in which currency.
public struct FeeCharge: Hashable, Sendable {
    /// Positive when charged, negative for a rebate.
    public var amount: Money
    public var currency: String
}

/// OKX-like fees per instrument kind, charged in the currency OKX charges them in:
/// - spot buy: in the base currency received (`size × rate`);
/// - spot sell: in the quote currency received (`price × size × rate`);
/// - USDT-margined (linear) swaps and futures: in the settlement currency
///   (`price × contracts × contract value × rate`).
///
/// Defaults are OKX's regular-user tier (Lv1): spot 0.08% maker / 0.10% taker,
/// swaps and futures 0.02% maker / 0.05% taker. Fees are rounded up at 12 decimals.
public struct FeeSchedule: Hashable, Sendable {
    public var spot: FeeRates
    public var swap: FeeRates
    public var futures: FeeRates

    public init(spot: FeeRates = FeeSchedule.okxRegularSpot, swap: FeeRates = FeeSchedule.okxRegularDerivatives,
                futures: FeeRates = FeeSchedule.okxRegularDerivatives) {
        self.spot = spot
        self.swap = swap
        self.futures = futures
    }

    /// 0.08% maker, 0.10% taker.
    public static let okxRegularSpot = FeeRates(maker: FixedPoint(units: 8, decimals: 4), taker: FixedPoint(units: 10, decimals: 4))
    /// 0.02% maker, 0.05% taker.
    public static let okxRegularDerivatives = FeeRates(maker: FixedPoint(units: 2, decimals: 4), taker: FixedPoint(units: 5, decimals: 4))

    /// The rates for an instrument kind; nil for kinds the paper venue does not trade (options).
    public func rates(for kind: InstrumentKind) -> FeeRates? {
        switch kind {
        case .spot: spot
        case .swap: swap
        case .futures: futures
        case .option: nil
        }
    }

    /// The fee for one fill of `quantity` at `price` on `instrument` by a `side` order.
    public func charge(instrument: Instrument, side: Side, price: Price, quantity: Quantity,
                       liquidity: Liquidity) throws(FixedPointArithmeticError) -> FeeCharge? {
        guard let rates = rates(for: instrument.id.kind) else { return nil }
        let rate = rates.rate(for: liquidity)
        switch instrument.id.kind {
        case .spot where side == .buy:
            return FeeCharge(amount: Money(try quantity.value.multiplied(by: rate, rounding: .up)), currency: instrument.id.base)
        default:
            let notional = try instrument.notional(price: price, quantity: quantity)
            return FeeCharge(amount: Money(try notional.value.multiplied(by: rate, rounding: .up)), currency: instrument.id.quote)
        }
    }
}
