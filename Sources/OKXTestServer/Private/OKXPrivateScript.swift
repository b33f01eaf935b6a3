import TradingCore

/// One API key the fake OKX private server knows.
public struct OKXTestAccount: Sendable, Hashable {
    public var apiKey: String
    public var secret: String
    public var passphrase: String
    /// A demo-trading key: its requests must carry `x-simulated-trading: 1`, a live key's must not (`50101`).
    public var isDemo: Bool

    public init(apiKey: String, secret: String, passphrase: String, isDemo: Bool) {
        self.apiKey = apiKey
        self.secret = secret
        self.passphrase = passphrase
        self.isDemo = isDemo
    }
}

/// A scripted misbehaviour of the fake OKX private server for one place request, keyed by the
/// order's `clOrdId` and used once (a resend of the same order meets no fault).
public enum OKXPrivateFault: Sendable, Hashable {
    /// The order is placed, but the HTTP answer never comes (the client's timeout ends the request).
    case acceptThenHold
    /// The order is placed, then the connection is closed without an answer.
    case acceptThenDrop
    /// The connection is closed before the order reaches the matching engine: not placed.
    case dropWithoutPlacing
    /// The `orders` pushes go out at once; the HTTP answer follows this many milliseconds later.
    case pushBeforeAck(delayMilliseconds: Int64)
    /// Every push about the order is sent twice.
    case duplicatePushes
    /// OKX's `50004` "API endpoint request timeout" answer, with or without the order placed.
    case timeout50004(placed: Bool)
    /// HTTP 429 with `50011` "Too Many Requests": not placed.
    case tooManyRequests
}

/// What the fake OKX private server trades and how it misbehaves.
public struct OKXPrivateScript: Sendable {
    /// The keys it accepts.
    public var accounts: [OKXTestAccount]
    /// The instruments it matches (PaperVenue's rules: tick, lot, minimum).
    public var instruments: [Instrument]
    /// Faults by client order id, each used by the first place request with that id.
    public var faults: [ClientOrderId: OKXPrivateFault]
    /// The fee rates of the matching engine.
    public var paper: PaperVenueSettings
    /// Added to the server's wall clock (a server whose clock differs from the client's).
    public var clockOffsetMilliseconds: Int64

    public init(accounts: [OKXTestAccount], instruments: [Instrument], faults: [ClientOrderId: OKXPrivateFault] = [:],
                paper: PaperVenueSettings = PaperVenueSettings(), clockOffsetMilliseconds: Int64 = 0) {
        self.accounts = accounts
        self.instruments = instruments
        self.faults = faults
        self.paper = paper
        self.clockOffsetMilliseconds = clockOffsetMilliseconds
    }
}

/// The matching engine's settings (kept apart so scripts need not import Execution).
public struct PaperVenueSettings: Sendable, Hashable {
    /// Ticks of slippage when an order takes without a book.
    public var slippageTicks: Int
    public init(slippageTicks: Int = 0) { self.slippageTicks = slippageTicks }
}
