import Foundation
import Logging

/// Decides which PostgreSQL server the runtime uses: DATABASE_URL when set (nothing is
/// started), else a configured URL, else the embedded cluster under `$RUNTIME_HOME`, started
/// (or reused) on demand.
public enum DatabaseLocator {
    /// What was chosen.
    public struct Resolution: Sendable {
        /// Where to connect.
        public var target: DatabaseTarget
        /// The embedded cluster, when that is what is used.
        public var embedded: EmbeddedPostgres?
    }

    /// Resolves the server to use, starting the embedded cluster when no URL is given.
    /// - Parameters:
    ///   - configuredURL: the `database.url` setting from runtime.yaml (empty means none).
    ///   - startEmbedded: when false, the embedded cluster's target is returned without starting it.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               configuredURL: String? = nil, startEmbedded: Bool = true,
                               logger: Logger = Logger(label: "storage.locator")) throws(StorageError) -> Resolution {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return Resolution(target: try DatabaseTarget(url: url), embedded: nil)
        }
        if let url = configuredURL, !url.isEmpty {
            return Resolution(target: try DatabaseTarget(url: url), embedded: nil)
        }
        let cluster = try EmbeddedPostgres.forRuntimeHome(environment: environment, logger: logger)
        let target = startEmbedded ? try cluster.start() : cluster.target()
        return Resolution(target: target, embedded: cluster)
    }
}
