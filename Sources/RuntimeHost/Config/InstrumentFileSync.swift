import Foundation
import TradingCore

/// Brings `config/instruments.yaml` up to date with what OKX lists (`runtime instruments sync`),
/// as an edit of the file's text: values that changed are rewritten where they stand, instruments
/// asked for are appended, and every comment and entry OKX does not mention stays as it was. A
/// pure function of the file and the listing; the command does the fetching and the writing.
public struct InstrumentFileSync: Sendable {
    /// One instrument as OKX lists it (its rules as OKX writes them).
    public struct Listing: Sendable, Hashable {
        public var instId: String
        /// `tickSz`, `lotSz`, `minSz` and, for contracts, `ctVal` and `ctValCcy` (absent or empty for spot).
        public var rules: [String: String]
        /// OKX's `state` (`live`, `suspend`, `preopen`, `expired`, ...).
        public var state: String
        public init(instId: String, rules: [String: String], state: String) {
            self.instId = instId
            self.rules = rules
            self.state = state
        }
    }

    /// One value that differs from OKX's.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public var instrument: String
        public var field: String
        /// The file's value; nil when the file lacked the field.
        public var old: String?
        public var new: String
        public var description: String { "\(instrument) \(field): \(old ?? "(none)") -> \(new)" }
    }

    /// What a sync changes and what it found.
    public struct Outcome: Sendable, Hashable {
        /// The updated file (the input when nothing changed).
        public var text: String
        public var changes: [Change]
        /// The instruments appended at the end of the list.
        public var added: [String]
        /// The file's instruments OKX did not list (delisted, or a type that was not asked for): kept.
        public var notListed: [String]
        /// The file's instruments OKX lists in a state other than `live`, with that state.
        public var notLive: [String: String]
    }

    /// Why a sync cannot be made.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The rule fields the file carries, in the order an appended entry writes them.
    static let ruleFields = ["tickSz", "lotSz", "minSz", "ctVal", "ctValCcy"]

    /// Updates `text` from `listings`; appends the instruments of `adding` not in the file yet.
    /// - Parameter stamp: written into the file's "synced" comment (e.g. the time of the listing).
    /// - Throws: ``Failure`` naming an instrument of `adding` that OKX does not list, or the check
    ///   the updated file failed (the file is then not to be written).
    public static func apply(to text: String, listings: [Listing], adding: [String], stamp: String) throws(Failure) -> Outcome {
        let byId = Dictionary(listings.map { ($0.instId, $0) }, uniquingKeysWith: { first, _ in first })
        var lines = text.components(separatedBy: "\n")
        var outcome = Outcome(text: text, changes: [], added: [], notListed: [], notLive: [:])
        var inFile: [String] = []
        var index = 0
        while index < lines.count {
            guard let (indent, instId) = entryStart(lines[index]) else {
                index += 1
                continue
            }
            inFile.append(instId)
            // The entry's field lines: deeper than its dash, up to the next entry or the list's end.
            var end = index + 1
            while end < lines.count, entryStart(lines[end]) == nil, isInside(lines[end], deeperThan: indent) { end += 1 }
            guard let listing = byId[instId] else {
                outcome.notListed.append(instId)
                index = end
                continue
            }
            if listing.state != "live" { outcome.notLive[instId] = listing.state }
            let fieldIndent = String(repeating: " ", count: indent + 2)
            var lastField = index
            var seen: Set<String> = []
            for line in index + 1..<end {
                guard let (field, value) = fieldLine(lines[line]) else { continue }
                lastField = line
                seen.insert(field)
                guard let new = listing.rules[field], !new.isEmpty, !sameValue(value, new) else { continue }
                outcome.changes.append(Change(instrument: instId, field: field, old: value, new: new))
                // The line's comment explained the old value, so it goes with it.
                lines[line] = fieldIndent + field + ": " + quoted(field, new)
            }
            var missing: [String] = []
            for field in ruleFields where !seen.contains(field) {
                guard let new = listing.rules[field], !new.isEmpty else { continue }
                outcome.changes.append(Change(instrument: instId, field: field, old: nil, new: new))
                missing.append(fieldIndent + field + ": " + quoted(field, new))
            }
            lines.insert(contentsOf: missing, at: lastField + 1)
            index = end + missing.count
        }
        var appended: [String] = []
        for instId in adding where !inFile.contains(instId) && !outcome.added.contains(instId) {
            guard let listing = byId[instId] else {
                throw Failure(description: "--add \(instId): OKX does not list it (check the id, e.g. BTC-USDT, BTC-USDT-SWAP, BTC-USD-250328)")
            }
            appended.append("  - instId: \(instId)")
            for field in ruleFields {
                guard let value = listing.rules[field], !value.isEmpty else { continue }
                appended.append("    \(field): " + quoted(field, value))
            }
            outcome.added.append(instId)
            if listing.state != "live" { outcome.notLive[instId] = listing.state }
        }
        if !appended.isEmpty {
            // Before the file's trailing blank lines, so the list stays one block.
            var at = lines.count
            while at > 0, lines[at - 1].trimmingCharacters(in: .whitespaces).isEmpty { at -= 1 }
            lines.insert(contentsOf: ["", "  # --- added by runtime instruments sync (\(stamp)) ---"] + appended, at: at)
        }
        stampSynced(&lines, stamp: stamp)
        outcome.text = lines.joined(separator: "\n")
        do {
            _ = try InstrumentCatalog.parse(yaml: outcome.text, source: "the synced instruments.yaml")
        } catch {
            throw Failure(description: "the updated file would not load, so it was not written: \(error)")
        }
        return outcome
    }

    /// The comment that says when the file last matched OKX: replaced, or put above `instruments:`.
    private static func stampSynced(_ lines: inout [String], stamp: String) {
        let prefix = "# Synced with GET /api/v5/public/instruments"
        let line = prefix + " by `runtime instruments sync`: " + stamp
        if let at = lines.firstIndex(where: { $0.hasPrefix(prefix) }) {
            lines[at] = line
        } else if let at = lines.firstIndex(where: { $0.hasPrefix("instruments:") }) {
            lines.insert(contentsOf: [line, ""], at: at)
        }
    }

    /// `- instId: X` at some indentation: the indentation of the dash and X.
    private static func entryStart(_ line: String) -> (Int, String)? {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.hasPrefix("- instId:") else { return nil }
        let value = stripComment(trimmed.dropFirst("- instId:".count))
        guard !value.isEmpty else { return nil }
        return (line.count - trimmed.count, unquoted(value))
    }

    private static func isInside(_ line: String, deeperThan indent: Int) -> Bool {
        let trimmed = line.drop { $0 == " " }
        if trimmed.isEmpty { return false }
        return line.count - trimmed.count > indent
    }

    /// `field: value` of a rule field, the value without quotes or comment.
    private static func fieldLine(_ line: String) -> (String, String)? {
        let trimmed = line.drop { $0 == " " }
        for field in ruleFields where trimmed.hasPrefix(field + ":") {
            return (field, unquoted(stripComment(trimmed.dropFirst(field.count + 1))))
        }
        return nil
    }

    private static func stripComment(_ text: Substring) -> String {
        var inQuotes = false
        var end = text.endIndex
        for index in text.indices {
            let character = text[index]
            if character == "\"" { inQuotes.toggle() }
            if character == "#", !inQuotes { end = index; break }
        }
        return text[..<end].trimmingCharacters(in: .whitespaces)
    }

    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" else { return text }
        return String(text.dropFirst().dropLast())
    }

    /// Decimals compare by value ("0.10" is "0.1"); currencies by text.
    private static func sameValue(_ old: String, _ new: String) -> Bool {
        if old == new { return true }
        guard let a = try? FixedPoint(parsing: old), let b = try? FixedPoint(parsing: new) else { return false }
        return a == b
    }

    /// Decimals quoted as OKX writes them (the file's convention); a currency as a plain word.
    private static func quoted(_ field: String, _ value: String) -> String {
        field == "ctValCcy" ? value : "\"\(value)\""
    }
}
