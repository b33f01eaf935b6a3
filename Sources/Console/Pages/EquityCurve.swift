import Charts
import Foundation
import RuntimeHost
import TradingCore

/// A strategy's equity and drawdown from what the database has: its allocated capital plus the
/// running sum of its fills' net realized PnL (realized minus commission), oldest first. Drawn
/// with the replay report's charts.
struct EquityCurve: Sendable {
    /// (seconds since the epoch, equity).
    var points: [(time: Double, equity: Double)]

    init(capital: Double, trades: [TradesView.Row]) {
        var equity = capital
        var points: [(Double, Double)] = []
        let fills = trades.map(\.trade).filter { $0.realizedPnl != nil || !$0.commission.value.isZero }
            .sorted { ($0.completedAt ?? $0.createdAt) < ($1.completedAt ?? $1.createdAt) }
        if let first = fills.first {
            points.append((Double((first.completedAt ?? first.createdAt).millisecondsSinceEpoch) / 1000 - 1, equity))
        }
        for trade in fills {
            equity += (trade.realizedPnl?.value.doubleValue ?? 0) - trade.commission.value.doubleValue
            points.append((Double((trade.completedAt ?? trade.createdAt).millisecondsSinceEpoch) / 1000, equity))
        }
        self.points = points
    }

    /// Drawdown from the running peak, in percent (0 or negative).
    var drawdownPercent: [ChartPoint] {
        var peak = -Double.infinity
        return points.map { point in
            peak = max(peak, point.equity)
            return ChartPoint(x: point.time, y: peak > 0 ? (point.equity - peak) / peak * 100 : 0)
        }
    }

    var equitySVG: String {
        LineChart(title: "Equity", points: points.map { ChartPoint(x: $0.time, y: $0.equity) }, xLabel: Self.timeLabel).svg
    }

    var drawdownSVG: String {
        var style = ChartStyle()
        style.height = 160
        style.lineColor = style.negativeColor
        style.fillColor = style.negativeColor
        return LineChart(title: "Drawdown", points: drawdownPercent, fillBaseline: 0, style: style, yUnit: " %", xLabel: Self.timeLabel).svg
    }

    static func timeLabel(_ seconds: Double) -> String {
        String(Display.time(Timestamp(millisecondsSinceEpoch: Int64(seconds * 1000))).dropFirst(5).prefix(11))
    }
}
