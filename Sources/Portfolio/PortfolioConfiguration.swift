import TradingCore

/// How the portfolio values derivative positions.
public struct PortfolioConfiguration: Hashable, Sendable {
    /// Leverage for derivative positions without a per-instrument setting.
    public var defaultLeverage: FixedPoint
    /// Per-instrument leverage.
    public var leverage: [InstrumentId: FixedPoint]
    /// Maintenance margin rate for the liquidation estimate without a per-instrument setting
    /// (0.004 = 0.4%, OKX's first tier for BTC-USDT-SWAP).
    public var defaultMaintenanceMarginRate: FixedPoint
    /// Per-instrument maintenance margin rates.
    public var maintenanceMarginRate: [InstrumentId: FixedPoint]

    public init(defaultLeverage: FixedPoint = .one, leverage: [InstrumentId: FixedPoint] = [:],
                defaultMaintenanceMarginRate: FixedPoint = FixedPoint(units: 4, decimals: 3),
                maintenanceMarginRate: [InstrumentId: FixedPoint] = [:]) {
        self.defaultLeverage = defaultLeverage
        self.leverage = leverage
        self.defaultMaintenanceMarginRate = defaultMaintenanceMarginRate
        self.maintenanceMarginRate = maintenanceMarginRate
    }

    func leverage(for instrument: InstrumentId) -> FixedPoint {
        instrument.kind == .spot ? .one : leverage[instrument] ?? defaultLeverage
    }

    func maintenanceMarginRate(for instrument: InstrumentId) -> FixedPoint {
        maintenanceMarginRate[instrument] ?? defaultMaintenanceMarginRate
    }
}

/// Why the portfolio could not account a fill or restore a record.
public enum PortfolioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The portfolio has no trading rules for the instrument (its contract value is needed).
    case unknownInstrument(InstrumentId)
    /// The fee is in a currency that is neither the instrument's base nor its quote.
    case feeCurrencyMismatch(InstrumentId, feeCurrency: String)
    /// An amount did not fit the fixed-point range.
    case arithmetic(PositionKey, FixedPointArithmeticError)
    /// Two persisted records describe the same position.
    case duplicateRecord(PositionKey)

    public var description: String {
        switch self {
        case .unknownInstrument(let id): "unknown instrument \(id): give the portfolio its trading rules (config/instruments.yaml)"
        case .feeCurrencyMismatch(let id, let currency): "fee currency \(currency) is neither the base nor the quote of \(id)"
        case .arithmetic(let key, let error): "position \(key): \(error)"
        case .duplicateRecord(let key): "two persisted position rows for \(key); keep one row per strategy, symbol and position side"
        }
    }
}

/// What one fill did to the portfolio.
public struct FillOutcome: Hashable, Sendable {
    /// Realized trading PnL of the fill, before fees (attribute it to the order's trade row).
    public var realizedPnl: Money
    /// The fill's fee valued in the quote currency.
    public var feeInQuote: Money
    /// The changed position, to persist in the same transaction as the trade row.
    public var position: PositionRecord
}
