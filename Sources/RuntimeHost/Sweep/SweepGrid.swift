import Analytics

/// Every combination of the swept parameters: the cartesian product in the order the
/// parameters were given, the last one varying fastest (so the grid, and every table built on
/// it, is the same for the same command line).
public struct SweepGrid: Hashable, Sendable {
    /// The most combinations one sweep runs (each is a whole replay).
    public static let maximumCombinations = 1_000

    /// The swept parameters, in the order given.
    public let parameters: [SweepParameter]
    /// Every combination, in grid order.
    public let combinations: [[SweepParameterValue]]

    /// The grid of `parameters`; refuses none, a name given twice, or too many combinations.
    public init(_ parameters: [SweepParameter]) throws(SweepParameterError) {
        guard !parameters.isEmpty else { throw SweepParameterError("--param: name at least one parameter to sweep") }
        var seen = Set<String>()
        for parameter in parameters where !seen.insert(parameter.name).inserted {
            throw SweepParameterError("--param \(parameter.name) is given twice; list all its values in one --param")
        }
        var count = 1
        for parameter in parameters {
            count *= parameter.values.count
            guard count <= Self.maximumCombinations else {
                throw SweepParameterError("--param: more than \(Self.maximumCombinations) combinations (\(parameters.map { "\($0.values.count)" }.joined(separator: " x ")) so far); sweep fewer values")
            }
        }
        var combinations: [[SweepParameterValue]] = [[]]
        for parameter in parameters {
            combinations = combinations.flatMap { prefix in
                parameter.values.map { prefix + [SweepParameterValue(name: parameter.name, value: $0)] }
            }
        }
        self.parameters = parameters
        self.combinations = combinations
    }
}
