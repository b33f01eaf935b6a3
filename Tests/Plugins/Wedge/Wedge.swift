import Foundation
import StrategyKit
import TradingCore

/// A test-only strategy whose trade callback never returns after `after_trades` trades: it spins
/// on the CPU (`how: spin`) or blocks in a sleep (`how: block`), the two ways a callback wedges a
/// host that cannot preempt it.
public final class Wedge: Strategy {
    public struct Parameters: Decodable {
        var afterTrades: Int
        var how: String
        enum CodingKeys: String, CodingKey { case afterTrades = "after_trades", how }
    }

    let parameters: Parameters
    var trades = 0
    /// Written in the spin so that the loop has an effect the optimizer must keep.
    nonisolated(unsafe) static var spins: UInt64 = 0

    public init(context: StrategyContext, parameters: Parameters) throws {
        self.parameters = parameters
    }

    public func onTrade(_ trade: TradeTick) throws {
        trades += 1
        guard trades > parameters.afterTrades else { return }
        if parameters.how == "block" {
            while true { sleep(3_600) }
        }
        while true { Self.spins &+= 1 }
    }
}
