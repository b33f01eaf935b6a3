/// Whether a server's TimescaleDB can carry the TimescaleDB flavor, decided before a flavor is
/// recorded (the flavor is kept for good once chosen).
///
/// Two kinds of TimescaleDB cannot: releases before 2.11, where inserts, upserts and COPY into
/// compressed chunks of tables with unique keys fail (the trade and candle writers do exactly
/// that once the compression policy has run), and the Apache-2.0-only build
/// (`timescaledb.license = apache`), which has no compression, retention policies or continuous
/// aggregates, all of which the flavor's migrations create.
public enum TimescaleDBSupport {
    /// The oldest release the flavor runs on.
    public static let minimumVersion = [2, 11]

    /// Why TimescaleDB `version` under `license` cannot carry the flavor, with the fix; nil when
    /// it can.
    public static func refusal(version: String, license: String?) -> String? {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        if parts.lexicographicallyPrecedes(minimumVersion) {
            return "TimescaleDB \(version) is older than 2.11: inserts, upserts and COPY into its compressed chunks fail on tables with unique keys; upgrade the extension to 2.11 or later (ALTER EXTENSION timescaledb UPDATE after installing it)"
        }
        if license?.lowercased() == "apache" {
            return "TimescaleDB runs with timescaledb.license = apache, which has no compression, retention policies or continuous aggregates; set timescaledb.license = timescale in postgresql.conf and restart the server"
        }
        return nil
    }
}
