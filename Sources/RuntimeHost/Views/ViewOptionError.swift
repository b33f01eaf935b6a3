/// A view option the user gave that cannot be used: names the option, what was given, why, and
/// what is accepted.
public struct ViewOptionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The option as typed, e.g. `--from`.
    public var option: String
    /// The value given.
    public var value: String
    /// Why it was refused and what would be accepted.
    public var reason: String

    /// Creates the error.
    public init(option: String, value: String, reason: String) {
        self.option = option; self.value = value; self.reason = reason
    }

    public var description: String { "\(option) '\(value)': \(reason)" }
}
