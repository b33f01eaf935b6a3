@_spi(Host) import StrategyKit
import TradingCore

/// What the host told a strategy about one of its orders: the order callbacks' arguments as one
/// value, for an observer of a ``StrategyRunner`` (StrategyKitTesting records them; the host sets none).
public enum OrderNotice: Hashable, Sendable {
    /// `onOrderAccepted`: the order passed risk and the venue acknowledged it.
    case accepted(OpenOrder)
    /// `onOrderRejected`: the risk engine or the venue refused a submit, cancel or amend.
    case rejected(OrderRejection)
    /// `onFill`: (part of) an order filled.
    case filled(Fill)
    /// `onOrderCanceled`: the order was canceled or expired.
    case canceled(OpenOrder)
}
