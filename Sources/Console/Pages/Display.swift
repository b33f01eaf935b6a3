import Foundation
import Storage
import TradingCore

/// How pages write times, amounts and states: UTC times to the second, amounts to two decimals
/// (quantities and prices exactly), and a CSS class per state so colour carries meaning.
enum Display {
    static func time(_ timestamp: Timestamp?) -> String {
        guard let timestamp else { return "" }
        let seconds = Self.floorDivide(timestamp.millisecondsSinceEpoch, 1_000)
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func money(_ money: Money?) -> String {
        guard let money else { return "" }
        return amount(money.value)
    }

    static func amount(_ value: FixedPoint?) -> String {
        guard let value else { return "" }
        return String(format: "%.2f", value.doubleValue)
    }

    /// `up`, `down` or `flat`: the CSS class of a signed amount.
    static func sign(_ value: FixedPoint) -> String {
        value.isPositive ? "up" : value.isNegative ? "down" : "flat"
    }

    /// The CSS class of a strategy status: trading, paused, halted or idle.
    static func statusClass(_ status: StrategyStatus) -> String {
        switch status {
        case .active, .paperTrading: "trading"
        case .paused, .reducingOnly: "paused"
        case .halted: "halted"
        default: "idle"
        }
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
