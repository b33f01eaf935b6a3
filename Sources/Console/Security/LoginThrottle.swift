/// Failed logins, limited per username and per client address: after `limit` failures within
/// `window` seconds, further attempts are refused without checking the password until the
/// oldest failure leaves the window. A success clears the username's failures.
actor LoginThrottle {
    let limit: Int
    let window: Int64
    private var failures: [String: [Int64]] = [:]

    init(limit: Int, window: Int64) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until `keys` may try again, or nil when none of them is over the limit.
    func retryAfter(_ keys: [String], now: Int64) -> Int64? {
        var wait: Int64?
        for key in keys {
            let recent = (failures[key] ?? []).filter { $0 > now - window }
            failures[key] = recent
            if recent.count >= limit, let oldest = recent.first {
                wait = max(wait ?? 0, oldest + window - now)
            }
        }
        return wait
    }

    /// Counts one failure against each of `keys`.
    func fail(_ keys: [String], now: Int64) {
        // Usernames come from the form: forget keys whose failures all left the window before
        // a stream of made-up names can grow this without bound.
        if failures.count > 10_000 { failures = failures.filter { ($0.value.last ?? 0) > now - window } }
        for key in keys { failures[key, default: []].append(now) }
    }

    /// Clears `key`'s failures.
    func succeed(_ key: String) {
        failures[key] = nil
    }
}
