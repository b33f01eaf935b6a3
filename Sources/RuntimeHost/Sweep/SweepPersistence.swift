import Foundation
import Logging
import PostgresNIO
import Storage
import StrategyKit
import TradingCore

/// Where a persisted sweep (`runtime sweep --persist`) writes, and as whom: each combination's
/// replay rows (trades, positions, risk events, performance; mode=replay) go to the database as
/// a persisted `runtime replay` writes them, under a strategies row of the combination's own.
///
/// Market data is not written: every combination replays the same files, so the rows would be
/// the same ones again and again (`runtime replay` or `runtime history download --into-db`
/// store them). Nor are the audit rows of simulated risk state changes (see
/// ``PersistencePipeline/writesRiskAuditRows``): the sweep's audit trail is one
/// `strategy.sweep` row per combination, naming who ran it.
public struct SweepPersistence: Sendable {
    /// Where the writers connect.
    public let target: DatabaseTarget
    /// A pooled client for the strategies rows and the rollup refresh.
    public let client: PostgresClient
    /// The operator, already authorized to replay; the database checks again when it creates
    /// each strategies row (migration 017).
    public let user: ActingUser
    let logger: Logger

    /// A sweep's persistence on `target` as `user`.
    public init(target: DatabaseTarget, client: PostgresClient, user: ActingUser, logger: Logger) {
        self.target = target
        self.client = client
        self.user = user
        self.logger = logger
    }

    /// How many tags are drawn before giving up (each attempt fails only when another sweep
    /// already used the tag, one in 36^6 per earlier sweep).
    static let tagAttempts = 5

    /// Letters and digits of a tag.
    static let tagAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    /// Characters of a tag: with two for the combination index (1,296 > the most combinations)
    /// it fills the 8 characters of an order id that carry the run tag.
    static let tagLength = 6

    /// A fresh random tag.
    static func drawTag() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<tagLength).map { _ in tagAlphabet[Int(generator.next(upperBound: UInt64(tagAlphabet.count)))] })
    }

    /// The strategies.name of combination `index`: `<manifest name>_<tag>_<index>`, the manifest
    /// name shortened so the whole stays a valid manifest name (at most 64 characters; the
    /// column allows 100).
    static func strategyName(manifest: StrategyName, tag: String, index: Int) -> StrategyName {
        let suffix = "_\(tag)_\(index)"
        return StrategyName(String(manifest.rawValue.prefix(ManifestParser.maximumNameLength - suffix.count)) + suffix)
    }

    /// The engine's run tag of combination `index`: the tag then the index in base 36, two
    /// characters. Order ids keep 12 characters of the strategy name and 8 of the run tag, and
    /// the names of two combinations can share their first 12: the run tag alone keeps their
    /// client_order_ids (UNIQUE over all trades) apart.
    static func runTag(tag: String, index: Int) -> String {
        let digits = String(index, radix: 36).uppercased()
        return tag.uppercased() + String(repeating: "0", count: max(0, 2 - digits.count)) + digits
    }

    /// Why a sweep could not be persisted.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong, naming the field.
        public var message: String
        public var description: String { message }
    }

    /// The rows one persisted sweep created before its replays.
    struct Created: Sendable {
        /// The sweep's tag (lower case).
        var tag: String
        /// strategies.name and strategies.id, by combination index.
        var strategies: [Int: (name: StrategyName, id: UUID)]
    }

    /// Thrown inside the transaction to roll back every row of an attempt whose tag was refused.
    private struct TagRefused: Error { var refusal: OperatorFunctions.SweepStrategyRefusal }

    /// Creates the strategies row of every combination in `manifests` (by index), in one
    /// transaction: either every combination has its row or none has. A tag another sweep used
    /// rolls the attempt back and draws another.
    func createStrategies(_ manifests: [Int: StrategyManifest], base: StrategyName, sweep: ParameterValue,
                          catalog: InstrumentCatalog) async throws -> Created {
        // The rollups and views value contract volume with these, as a host records them.
        try await InstrumentContractRepository(client).record(catalog.instruments)
        let sweepId = UUID().uuidString.lowercased()
        var lastRefusal: OperatorFunctions.SweepStrategyRefusal?
        for _ in 0..<Self.tagAttempts {
            let tag = Self.drawTag()
            do {
                let strategies = try await Transaction.run(client, logger: logger) { connection in
                    let functions = OperatorFunctions(connection)
                    if let origin = user.origin { try await functions.declare(origin) }
                    var created: [Int: (name: StrategyName, id: UUID)] = [:]
                    for (index, manifest) in manifests.sorted(by: { $0.key < $1.key }) {
                        var named = manifest
                        named.name = Self.strategyName(manifest: base, tag: tag, index: index)
                        var details = sweep
                        if case .object(var fields) = details {
                            fields["id"] = .string(sweepId)
                            fields["tag"] = .string(tag)
                            fields["index"] = .number(String(index))
                            details = .object(fields)
                        }
                        let result = try await functions.createSweepStrategy(
                            identity: user.login, actingAs: user.actingAs, manifest: named.json.jsonText,
                            parameters: named.parameters.jsonText, riskLimits: named.riskLimitsJSON,
                            maxPositionSize: named.riskLimits[.maxPositionSize]?.description,
                            maxLeverage: (named.riskLimits[.maxLeverage] ?? .one).description, sweep: details.jsonText)
                        switch result {
                        case .created(let id): created[index] = (named.name, id)
                        case .refused(let refusal): throw TagRefused(refusal: refusal)
                        }
                    }
                    return created
                }
                return Created(tag: tag, strategies: strategies)
            } catch let refused as TagRefused {
                lastRefusal = refused.refusal
                logger.notice("sweep tag \(tag) refused (\(refused.refusal.rawValue)); drawing another")
            }
        }
        throw Failure(message: "--persist: no free sweep tag after \(Self.tagAttempts) attempts (last refusal: \(lastRefusal?.rawValue ?? "none"))")
    }

    /// Brings strategy_performance_daily up to date with the rows just written (as the maintenance
    /// pass would, later).
    func refreshRollups() async throws {
        try await PerformanceRepository(client).refreshDailyRollup()
    }
}
