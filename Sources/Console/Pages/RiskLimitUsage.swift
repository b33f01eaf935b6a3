import Foundation
import RuntimeHost
import Storage
import TradingCore

/// A strategy's deployed risk limits with how much of each is in use now, for bars on its
/// page: the daily loss and drawdown from the risk monitor's equity marks (what the host's risk
/// engine keeps), open orders, the open positions' notional and the trailing run of losing
/// trades. Per-order limits have no standing usage and are listed as they are.
struct RiskLimitUsage: Sendable {
    struct Limit: Sendable {
        var name: String
        var limit: String
        var used: String
        var percent: Int
        var level: String
        var hasUsage: Bool
    }

    static func limits(manifest: String?, monitor: RiskMonitorRecord?, openOrders: Int, positions: [PositionsView.Row],
                       losingRun: Int?) -> [Limit] {
        guard let text = manifest,
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let limits = object["risk_limits"] as? [String: Any] else { return [] }
        return limits.keys.sorted().compactMap { name in
            guard let limit = number(limits[name]) else { return nil }
            let used = usage(of: name, monitor: monitor, openOrders: openOrders, positions: positions, losingRun: losingRun)
            let percent = used.map { limit > 0 ? min(100, max(0, Int(($0 / limit * 100).rounded()))) : 0 } ?? 0
            let ratio = used.map { limit > 0 ? $0 / limit : 0 } ?? 0
            return Limit(name: name, limit: format(limit), used: used.map(format) ?? "checked per order", percent: percent,
                         level: ratio >= 1 ? "breach" : ratio >= 0.75 ? "warn" : "ok", hasUsage: used != nil)
        }
    }

    static func usage(of name: String, monitor: RiskMonitorRecord?, openOrders: Int, positions: [PositionsView.Row],
                      losingRun: Int?) -> Double? {
        switch name {
        case "max_daily_loss":
            guard let open = monitor?.dayOpenEquity?.value.doubleValue, let last = monitor?.lastEquity?.value.doubleValue else { return nil }
            return max(0, open - last)
        case "max_drawdown_pct":
            guard let peak = monitor?.peakEquity?.value.doubleValue, let last = monitor?.lastEquity?.value.doubleValue, peak > 0 else { return nil }
            return max(0, (peak - last) / peak * 100)
        case "max_open_orders":
            return Double(openOrders)
        case "max_position_size":
            return positions.map { row in
                row.position.quantity.value.doubleValue * (row.position.currentPrice ?? row.position.avgEntryPrice).value.doubleValue
            }.max() ?? 0
        case "max_consecutive_losses":
            return Double(losingRun ?? 0)
        default:
            return nil
        }
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let text as String: Double(text)
        default: nil
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.2f", value)
    }
}
