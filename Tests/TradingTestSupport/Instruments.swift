import TradingCore

/// ETH-USDT spot: tick 0.01, lot 0.0001, minimum 0.001.
public let ethSpot = Instrument(id: instrumentId("ETH-USDT"), tickSize: px("0.01"), lotSize: qty("0.0001"), minSize: qty("0.001"))
/// BTC-USDT-SWAP, linear: 0.01 BTC per contract.
public let btcSwap = Instrument(id: instrumentId("BTC-USDT-SWAP"), tickSize: px("0.1"), lotSize: qty("0.01"), minSize: qty("0.01"),
                                contractValue: qty("0.01"), contractCurrency: "BTC")
/// BTC-USD-SWAP, inverse: 100 USD per contract.
public let btcInverse = Instrument(id: instrumentId("BTC-USD-SWAP"), tickSize: px("0.1"), lotSize: qty("1"), minSize: qty("1"),
                                   contractValue: qty("100"), contractCurrency: "USD")
