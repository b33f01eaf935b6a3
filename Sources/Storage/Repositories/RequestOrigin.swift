import PostgresNIO

/// Where an operator's request came from (the console's client): written into every audit row
/// of the transaction that declares it (migration 015's trigger on audit_logs).
public struct RequestOrigin: Sendable, Hashable {
    /// The client's IP address, as text (IPv4 or IPv6); a malformed one is left out of the rows.
    public var ipAddress: String?
    /// The client's User-Agent header.
    public var userAgent: String?

    /// Creates an origin.
    public init(ipAddress: String?, userAgent: String?) {
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }
}

extension OperatorFunctions {
    /// Declares `origin` for the rest of the caller's transaction (no effect outside one: the
    /// settings are transaction-local, so a pooled connection never carries them to another request).
    public func declare(_ origin: RequestOrigin) async throws(StorageError) {
        try await session.execute("declare the request origin", """
            SELECT set_config('runtime.client_ip', \(origin.ipAddress ?? ""), true),
                   set_config('runtime.user_agent', \(origin.userAgent.map { String($0.prefix(500)) } ?? ""), true)
            """)
    }
}
