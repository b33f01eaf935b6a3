import TradingCore

/// Which client order ids this runtime issued, to tell its own orders and fills from those placed
/// outside it (by hand on OKX's website, by another bot): after a restart, the fills of the
/// runtime's finished orders are in OKX's recent fills too, and they are not external.
///
/// A host's strategies issue `<strategy letters><run tag, ≤ 8><12 digits>`; the ids of
/// ``OKXClientOrderIdGenerator`` are the runtime's as well.
public struct OKXOrderOwnership: Sendable, Hashable {
    /// The strategy part of the ids of every deployed strategy.
    public var strategyPrefixes: Set<String>

    public init(strategyPrefixes: Set<String> = []) {
        self.strategyPrefixes = strategyPrefixes
    }

    /// Whether `id` has the shape of an id this runtime issued.
    public func owns(_ id: ClientOrderId) -> Bool {
        if OKXClientOrderIdGenerator.isRuntimeId(id) { return true }
        let text = id.rawValue.utf8
        guard text.count > 12, text.count <= 32, text.allSatisfy(Self.isLetterOrDigit),
              text.suffix(12).allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let head = id.rawValue.dropLast(12)
        return strategyPrefixes.contains { !$0.isEmpty && head.hasPrefix($0) && head.count - $0.count <= 8 }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
