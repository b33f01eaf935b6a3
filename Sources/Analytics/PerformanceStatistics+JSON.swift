import TradingCore

/// `--json`: amounts as decimal strings (exact, never rounded through a binary number), ratios
/// and fractions as JSON numbers, undefined statistics as null.
extension PerformanceStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case startEquity = "start_equity", endEquity = "end_equity", netPnl = "net_pnl", totalReturn = "total_return"
        case annualizedReturn = "annualized_return", returnPeriod = "return_period", periodReturns = "period_returns"
        case sharpe, sortino, calmar, maxDrawdown = "max_drawdown", maxDrawdownDurationSeconds = "max_drawdown_duration_s"
        case drawdownRecovered = "drawdown_recovered", winRate = "win_rate", profitFactor = "profit_factor"
        case averageWin = "average_win", averageLoss = "average_loss", exposure, fees, trades
        case winningTrades = "winning_trades", losingTrades = "losing_trades"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startEquity.description, forKey: .startEquity)
        try container.encode(endEquity.description, forKey: .endEquity)
        try container.encode(netPnl.description, forKey: .netPnl)
        try container.encode(totalReturn, forKey: .totalReturn)
        try container.encode(annualizedReturn, forKey: .annualizedReturn)
        try container.encode(returnPeriod, forKey: .returnPeriod)
        try container.encode(periodReturns, forKey: .periodReturns)
        try container.encode(sharpe, forKey: .sharpe)
        try container.encode(sortino, forKey: .sortino)
        try container.encode(calmar, forKey: .calmar)
        try container.encode(maxDrawdown, forKey: .maxDrawdown)
        try container.encode(Double(maxDrawdownDuration) / 1e9, forKey: .maxDrawdownDurationSeconds)
        try container.encode(drawdownRecovered, forKey: .drawdownRecovered)
        try container.encode(winRate, forKey: .winRate)
        try container.encode(profitFactor, forKey: .profitFactor)
        try container.encode(averageWin?.description, forKey: .averageWin)
        try container.encode(averageLoss?.description, forKey: .averageLoss)
        try container.encode(exposure, forKey: .exposure)
        try container.encode(fees.description, forKey: .fees)
        try container.encode(trades, forKey: .trades)
        try container.encode(winningTrades, forKey: .winningTrades)
        try container.encode(losingTrades, forKey: .losingTrades)
    }
}
