/// The request kinds OKX rate-limits separately, with OKX's published limit per 2 seconds
/// (research notes §1.5, §5.6). REST and WebSocket order ops share the same limits.
public enum OKXRateLimit: String, Sendable, Hashable, CaseIterable {
    /// Place one order: 60 per 2 s per instrument.
    case place
    /// Cancel one order: 60 per 2 s per instrument.
    case cancel
    /// Amend one order: 60 per 2 s per instrument.
    case amend
    /// Look one order up (`GET /trade/order`): 60 per 2 s per instrument.
    case orderLookup
    /// `GET /trade/orders-pending`: 60 per 2 s per account.
    case pendingOrders
    /// `GET /trade/fills`: 60 per 2 s per account.
    case fills
    /// `GET /account/positions` and `/account/balance`: 10 per 2 s per account.
    case positions
    /// `POST /trade/cancel-all-after`: 1 per second per account.
    case cancelAllAfter
    /// New and amended orders of the whole sub-account: 1000 per 2 s (`50061`).
    case accountOrders

    /// OKX's limit: requests per window.
    public var okxCapacity: Int {
        switch self {
        case .place, .cancel, .amend, .orderLookup, .pendingOrders, .fills: 60
        case .positions: 10
        case .cancelAllAfter: 1
        case .accountOrders: 1000
        }
    }

    /// OKX's window in nanoseconds.
    public var windowNanoseconds: Int64 { self == .cancelAllAfter ? 1_000_000_000 : 2_000_000_000 }

    /// Whether OKX counts this limit per instrument (else per account).
    public var isPerInstrument: Bool {
        switch self {
        case .place, .cancel, .amend, .orderLookup: true
        case .pendingOrders, .fills, .positions, .cancelAllAfter, .accountOrders: false
        }
    }
}
