/// Where the console listens: `HOST:PORT`, 127.0.0.1 by default so that only this machine reaches it.
public struct ConsoleAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or IP address to bind.
    public var host: String
    /// The TCP port; 0 asks the system for a free one (tests).
    public var port: Int

    /// The default: loopback only, port 8080.
    public static let standard = ConsoleAddress(host: "127.0.0.1", port: 8080)

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (an IPv6 host in brackets: `[::1]:8080`).
    /// - Throws: ``ConsoleError/invalidArgument(field:reason:)`` naming `field` and what is wrong.
    public init(parsing text: String, field: String = "--address") throws(ConsoleError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalidArgument(field: field, reason: "'\(text)' is not HOST:PORT (e.g. 127.0.0.1:8080)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .invalidArgument(field: field, reason: "'\(text)' has no host before the port") }
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw .invalidArgument(field: field, reason: "'\(text[text.index(after: colon)...])' is not a port number (0-65535)")
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
