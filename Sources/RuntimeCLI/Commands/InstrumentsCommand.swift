import ArgumentParser
import Foundation
import History
import Logging
import RuntimeHost
import TradingCore

/// `runtime instruments`: the trading rules of config/instruments.yaml.
struct InstrumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruments",
        abstract: "Keep config/instruments.yaml (tick, lot and minimum sizes, contract values) in line with OKX.",
        subcommands: [InstrumentsSyncCommand.self]
    )
}

/// `runtime instruments sync`: OKX's `GET /api/v5/public/instruments` into config/instruments.yaml.
struct InstrumentsSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Update the instruments file's trading rules from OKX's instrument list.",
        discussion: """
            Asks OKX for the instrument types the file holds (spot, swaps, futures, options per family), rewrites \
            every tick, lot and minimum size and contract value that changed where it stands (comments stay), \
            appends the instruments --add names, and prints each change. Instruments OKX no longer lists stay in \
            the file and are reported. The file is checked before it is replaced, and replaced in one step. \
            OKX_REST_URL overrides the REST base URL (default \(HistoryDownloader.okxBaseURL)).
            """)

    @Option(help: "Also add these instruments, comma separated, e.g. ADA-USDT,ADA-USDT-SWAP.")
    var add: String?

    @Option(help: "The instruments file (default: config/instruments.yaml).")
    var file: String?

    @Flag(name: .customLong("dry-run"), help: "Print what would change; leave the file as it is.")
    var dryRun = false

    func run() async throws {
        let url = file.map { URL(fileURLWithPath: $0) } ?? ProjectPaths.instruments
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ValidationError("--file '\(url.path)': cannot be read: \(error.localizedDescription)")
        }
        let catalog: InstrumentCatalog
        do { catalog = try InstrumentCatalog.parse(yaml: text, source: url.path) } catch {
            throw ValidationError("\(url.path) does not load, fix it first: \(error)")
        }
        var adding: [InstrumentId] = []
        for text in (add ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
            do { adding.append(try InstrumentId(parsing: text)) } catch { throw ValidationError("--add '\(text)': \(error)") }
        }
        let baseURL = try HistoryDownloadCommand.baseURL(ProcessInfo.processInfo.environment)
        let logger = Logger(label: "runtime.instruments")
        // A sync is a few requests: fail within seconds when OKX cannot be reached, not after minutes of retries.
        let lister = InstrumentLister(options: .init(baseURL: baseURL, retry: RetryPolicy(maximumAttempts: 3), requestTimeout: .seconds(15)),
                                      logger: logger)
        let queries = Self.queries(for: catalog.instruments.map(\.id) + adding)
        let listed: [ListedInstrument]
        do {
            listed = try await lister.list(queries)
        } catch let error as HistoryError {
            throw CommandFailure.exit("instruments sync", "OKX's instrument list could not be read: \(error)")
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        let outcome: InstrumentFileSync.Outcome
        do {
            outcome = try InstrumentFileSync.apply(
                to: text, listings: listed.map { InstrumentFileSync.Listing(instId: $0.instId, rules: Self.rules(of: $0), state: $0.state) },
                adding: adding.map(\.symbol), stamp: "\(stamp) from \(baseURL)")
        } catch {
            throw ValidationError("\(error)")
        }
        if !dryRun, outcome.text != text {
            do { try Data(outcome.text.utf8).write(to: url, options: .atomic) } catch {
                throw ValidationError("--file '\(url.path)': cannot be written: \(error.localizedDescription)")
            }
        }
        print(Self.report(outcome, file: url.path, checked: catalog.instruments.count, dryRun: dryRun))
    }

    /// One listing request per instrument type the ids need; options per family.
    static func queries(for ids: [InstrumentId]) -> [InstrumentLister.Query] {
        var queries: [InstrumentLister.Query] = []
        for id in ids {
            let query: InstrumentLister.Query = switch id.kind {
            case .spot: .init(instType: "SPOT")
            case .swap: .init(instType: "SWAP")
            case .futures: .init(instType: "FUTURES")
            case .option: .init(instType: "OPTION", instFamily: id.family)
            }
            if !queries.contains(query) { queries.append(query) }
        }
        return queries
    }

    static func rules(of listed: ListedInstrument) -> [String: String] {
        ["tickSz": listed.tickSz, "lotSz": listed.lotSz, "minSz": listed.minSz, "ctVal": listed.ctVal, "ctValCcy": listed.ctValCcy]
    }

    static func report(_ outcome: InstrumentFileSync.Outcome, file: String, checked: Int, dryRun: Bool) -> String {
        var lines = ["\(dryRun ? "would change" : "changed") \(outcome.changes.count) value(s) and \(dryRun ? "would add" : "added") "
            + "\(outcome.added.count) instrument(s) in \(file) (\(checked) instruments checked)"]
        lines += outcome.changes.map { "  \($0)" }
        lines += outcome.added.map { "  added \($0)" }
        if !outcome.notListed.isEmpty {
            lines.append("not listed by OKX (kept; remove them if they were delisted): " + outcome.notListed.joined(separator: ", "))
        }
        if !outcome.notLive.isEmpty {
            lines.append("listed but not trading: " + outcome.notLive.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
