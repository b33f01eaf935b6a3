import ArgumentParser
import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import StrategyKit
import TradingCore

/// What the read-only views (status, trades, positions, perf, candles) share: reaching the
/// database with a clear message when it cannot be reached, and option checks.
enum ViewCommandSupport {
    /// Runs `body` on the migrated database as an operator who may read (any known user). When
    /// the database cannot be reached, says so (as JSON with `--json`) on stdout and exits with
    /// status 2; a refused operator gets `runtime: refused: ...` and status 1.
    static func withDatabase<Result: Sendable>(json: Bool, _ body: @Sendable (DatabaseTarget, PostgresClient) async throws -> Result) async throws -> Result {
        do {
            return try await DatabaseEnvironment.withDatabase(as: .read, action: "view.read") { target, client in
                try await body(target, client)
            }
        } catch let error as ViewOptionError {
            throw ValidationError(error.description)
        } catch let error as OperatorError {
            throw CommandFailure.exit("refused", error.description)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        } catch {
            let resolved = try? DatabaseLocator.resolve(configuredURL: (try? DatabaseSettings.load())?.url).target
            guard let target = resolved else {
                unreachable(error is StorageError ? String(describing: error) : postgresErrorText(error), json: json)
            }
            if !(await isReachable(target)) {
                unreachable("\(target.description): \(error is StorageError ? String(describing: error) : postgresErrorText(error))", json: json)
            }
            throw error
        }
    }

    private static func isReachable(_ target: DatabaseTarget) async -> Bool {
        guard let connection = try? await target.connect() else { return false }
        try? await connection.close()
        return true
    }

    private static func unreachable(_ reason: String, json: Bool) -> Never {
        if json {
            print(ParameterValue.object(["database": .object(["reachable": .bool(false), "error": .string(reason)])]).jsonText)
        } else {
            print("database: UNREACHABLE — \(reason)")
            print("Set DATABASE_URL to a running PostgreSQL server, or run `runtime db start` for the embedded one.")
        }
        Foundation.exit(2)
    }

    /// Converts a view option check into ArgumentParser's validation error (usage, non-zero exit).
    static func check<T>(_ parse: () throws(ViewOptionError) -> T) throws -> T {
        do throws(ViewOptionError) { return try parse() } catch { throw ValidationError(error.description) }
    }

    /// Money-like cells: the canonical decimal text, or "-" when absent.
    static func cell(_ value: FixedPoint?) -> String { value?.description ?? "-" }

    /// A time cell without the date when it is today's (UTC).
    static func cell(_ time: Timestamp?, today: Timestamp? = nil) -> String {
        guard let time else { return "-" }
        let text = time.description
        if let today, time.utcDayNumber == today.utcDayNumber, let index = text.firstIndex(of: "T") {
            return String(text[text.index(after: index)...])
        }
        return text
    }
}
