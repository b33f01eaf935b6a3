import Foundation
import Risk
import Storage
import StrategyKit
import TradingCore

/// A strategy as deployed in the database, rebuilt and revalidated for the host.
public struct DeployedStrategy {
    /// strategies.id.
    public let id: UUID
    /// strategies.status.
    public let status: StrategyStatus
    /// The stored manifest, validated again now (plugin loads, parameters decode, instruments
    /// exist), with its plugin registration and instruments.
    public let validated: ValidatedManifest

    /// The strategy's name.
    public var name: StrategyName { validated.manifest.name }
    /// The trading state for the risk engine (nil for statuses that are not trading).
    public var tradingState: StrategyTradingState? { StrategyStatusMapping.tradingState(status) }
}

/// A stored strategy that could not be rebuilt.
public struct DeployedStrategyFailure: Error, Sendable, CustomStringConvertible {
    /// strategies.id.
    public var id: UUID
    /// strategies.status.
    public var status: StrategyStatus
    /// The strategy's name.
    public var name: StrategyName
    /// What was wrong.
    public var errors: [ManifestError]

    public var description: String {
        "deployed strategy '\(name)' cannot be loaded: " + errors.map(\.description).joined(separator: "; ")
            + " (fix the manifest or the plugin and run `runtime deploy` again)"
    }
}

/// Several stored strategies that could not be rebuilt.
public struct DeployedStrategiesError: Error, Sendable, CustomStringConvertible {
    /// One failure per strategy.
    public var failures: [DeployedStrategyFailure]

    public var description: String { failures.map(\.description).joined(separator: "\n") }
}

/// Rebuilds every deployed strategy from the database alone: the host's way in.
public enum DeployedStrategies {
    /// Every strategy deployed with a manifest (rows without one — written before migration 005
    /// or by other tools — are skipped), each revalidated against today's plugins and catalog.
    /// - Throws: ``DeployedStrategiesError`` naming every strategy that no longer validates;
    ///   use ``loadEach(session:loader:catalog:)`` to run the ones that do.
    public static func load(session: any DatabaseSession, loader: PluginLoader, catalog: InstrumentCatalog) async throws -> [DeployedStrategy] {
        var loaded: [DeployedStrategy] = []
        var failures: [DeployedStrategyFailure] = []
        for result in try await loadEach(session: session, loader: loader, catalog: catalog) {
            switch result {
            case .success(let strategy): loaded.append(strategy)
            case .failure(let failure): failures.append(failure)
            }
        }
        guard failures.isEmpty else { throw DeployedStrategiesError(failures: failures) }
        return loaded
    }

    /// Like ``load(session:loader:catalog:)``, one result per strategy, by name.
    public static func loadEach(session: any DatabaseSession, loader: PluginLoader,
                                catalog: InstrumentCatalog) async throws -> [Result<DeployedStrategy, DeployedStrategyFailure>] {
        let rows = try await StrategyRepository(session).deployments()
        let validator = ManifestValidator(plugins: loader, instrument: { catalog[$0] })
        return rows.compactMap { row -> Result<DeployedStrategy, DeployedStrategyFailure>? in
            // A backtesting row is a persisted sweep's combination (migration 017): a record of a
            // backtest, never a deployment. A host loading it would replay every combination again
            // (and a replay would delete its positions), a paper host halt it if it stopped loading.
            guard let manifest = row.manifest, row.status != .backtesting else { return nil }
            do {
                let validated = try validator.validate(yaml: manifest, source: "strategies row \(row.name)")
                return .success(DeployedStrategy(id: row.id, status: row.status, validated: validated))
            } catch let failure as ManifestValidationFailure {
                return .failure(DeployedStrategyFailure(id: row.id, status: row.status, name: row.name, errors: failure.errors))
            } catch {
                return .failure(DeployedStrategyFailure(id: row.id, status: row.status, name: row.name,
                                                        errors: [ManifestError(field: "(manifest)", reason: "\(error)")]))
            }
        }
    }
}
