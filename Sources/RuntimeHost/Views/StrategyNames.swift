import Foundation
import Storage

/// Strategy ids to names (and back) for the views, read once per command.
public struct StrategyNames: Sendable {
    let byId: [UUID: String]

    /// Reads every non-archived strategy.
    public static func read(_ session: any DatabaseSession) async throws(StorageError) -> StrategyNames {
        StrategyNames(byId: Dictionary(try await StrategyRepository(session).overview().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The name of `id`, or its uuid when unknown (an archived strategy).
    public func name(_ id: UUID) -> String { byId[id] ?? id.uuidString.lowercased() }

    /// The id of the strategy named `name`, refusing an unknown name for `option`.
    public func id(named name: String, option: String = "--strategy") throws(ViewOptionError) -> UUID {
        if let match = byId.first(where: { $0.value == name }) { return match.key }
        let known = byId.values.sorted()
        throw ViewOptionError(option: option, value: name,
                              reason: known.isEmpty ? "no strategy is deployed" : "no such strategy; deployed: \(known.joined(separator: ", "))")
    }
}
