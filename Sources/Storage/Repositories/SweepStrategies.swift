import Foundation
import PostgresNIO

extension OperatorFunctions {
    /// Why ``createSweepStrategy`` wrote nothing.
    public enum SweepStrategyRefusal: String, Sendable, Hashable {
        /// Another sweep already used this tag: its order ids could collide with this one's.
        case tagTaken = "tag_taken"
        /// A strategies row already has this name.
        case nameTaken = "name_taken"
    }

    /// What ``createSweepStrategy`` did.
    public enum SweepStrategyResult: Sendable, Hashable {
        /// The new row's strategies.id.
        case created(UUID)
        /// Nothing written; draw another tag.
        case refused(SweepStrategyRefusal)
    }

    /// Creates the strategies row (status `backtesting`, never deployed) of one persisted sweep
    /// combination, with its `strategy.sweep` audit row, through migration 017's
    /// `runtime_create_sweep_strategy`, which checks that the operator may replay and deploy.
    /// `manifest` is the combination's manifest as a JSON object whose name carries the sweep's
    /// tag; `sweep` is a JSON object with at least `id` (this sweep) and `tag`.
    public func createSweepStrategy(identity: String, actingAs: String?, manifest: String, parameters: String, riskLimits: String,
                                    maxPositionSize: String?, maxLeverage: String, sweep: String) async throws(StorageError) -> SweepStrategyResult {
        let check = RowCheck(table: "strategies")
        try check.jsonObject(manifest, "manifest")
        try check.jsonObject(parameters, "parameters")
        try check.jsonObject(riskLimits, "risk_limits")
        try RowCheck(table: "audit_logs").jsonObject(sweep, "new_value.sweep")
        let t = "runtime_create_sweep_strategy"
        let rows = try await session.rows("create a sweep strategy", """
            SELECT strategy_id, refusal FROM runtime_create_sweep_strategy(\(identity), \(actingAs), \(manifest)::jsonb,
                \(parameters)::jsonb, \(riskLimits)::jsonb, \(maxPositionSize)::numeric, \(maxLeverage)::numeric, \(sweep)::jsonb)
            """)
        guard let row = rows.first else { throw .database(operation: "create a sweep strategy", message: "no row") }
        if let refusal = try row.value("refusal", as: String?.self, table: t) {
            return .refused(try SQLValues.enumValue(refusal, table: t, column: "refusal"))
        }
        guard let id = try row.value("strategy_id", as: UUID?.self, table: t) else {
            throw .database(operation: "create a sweep strategy", message: "neither an id nor a refusal returned")
        }
        return .created(id)
    }
}
