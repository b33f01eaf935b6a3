/// Sessions logged out before they expired: a signed cookie stays valid until its expiry, so
/// logout remembers its id until then (in memory; a restart with a random key ends every session anyway).
actor SessionRevocations {
    private var revoked: [String: Int64] = [:]

    /// Refuses `session` from now on.
    func revoke(_ session: ConsoleSession, now: Int64) {
        revoked = revoked.filter { $0.value > now }
        revoked[session.id] = session.expiresAt
    }

    /// Whether `session` was logged out.
    func isRevoked(_ session: ConsoleSession) -> Bool {
        revoked[session.id] != nil
    }
}
