/// A parameter's name and the value it had in one combination (as written: `5`, `0.5`, `true`).
public struct SweepParameterValue: Hashable, Sendable {
    /// The parameter's name in the manifest.
    public var name: String
    /// Its value as manifest text.
    public var value: String

    /// One parameter's value in a combination.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
