import ArgumentParser
import Execution
import Foundation
import Logging
import OKXTrading
import OKXVenue
import RuntimeHost
import TradingCore

/// What `runtime run --demo` / `--live` needs before the database is opened: the keys of the
/// environment asked for, and where OKX is. Checked first, so that a missing key fails the command
/// before anything starts.
struct OKXTradingLaunch: Sendable {
    let mode: TradingMode
    let credentials: OKXCredentials
    let configuration: OKXTradingConfiguration

    init(mode: TradingMode, credentialsFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.mode = mode
        let okxEnvironment: OKXEnvironment = mode == .live ? .live : .demo
        let prefix = mode == .live ? OKXCredentialsLoader.livePrefix : OKXCredentialsLoader.demoPrefix
        do {
            credentials = try credentialsFile.map { try OKXCredentialsLoader.fromFile(atPath: $0, prefix: prefix) }
                ?? OKXCredentialsLoader.fromEnvironment(environment, prefix: prefix)
        } catch {
            throw ValidationError("--\(mode.rawValue): \(error)")
        }
        configuration = OKXTradingConfiguration(
            environment: okxEnvironment,
            restBaseURL: environment["OKX_REST_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://www.okx.com",
            privateWebSocketURL: environment["OKX_WS_PRIVATE_URL"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Live trading starts only after the operator typed `live`: a flag in a copied command line is
    /// too easy to carry from demo to live by accident.
    static func confirmLive() throws {
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("--live: no terminal to confirm on; type `live` at the prompt in a terminal, or pass --yes-i-mean-live")
        }
        FileHandle.standardError.write(Data("This trades REAL MONEY on OKX. Type live to go on: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "live" else {
            throw ValidationError("--live: not confirmed; nothing was started")
        }
    }
}

/// The OKX session a host trades through, started by the launch once it knows what to restore,
/// and stopped after the host (or when the launch fails after starting it).
final class OKXSessionBox {
    private var session: OKXTradingSession?

    func start(_ launch: OKXTradingLaunch, _ restart: VenueRestart, logger: Logger) async throws -> any ExecutionVenue {
        let session = try await OKXTradingSession.start(
            configuration: launch.configuration, credentials: launch.credentials, mode: launch.mode, openOrders: restart.openOrders,
            positions: restart.positions.map { ($0.strategy, $0.symbol, $0.positionSide, $0.signedQuantity) },
            ownership: OKXOrderOwnership(strategyPrefixes: restart.clientOrderIdPrefixes), logger: logger)
        self.session = session
        return session.venue
    }

    func stop() async {
        await session?.stop()
        session = nil
    }
}
