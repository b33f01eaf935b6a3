/// Refuses a strategy's parameters unless `condition` holds, naming the parameter the way the
/// manifest spells it, so deploy shows `parameters.slow_period: must exceed fast_period (10)`:
/// ```swift
/// try require(parameters.slowPeriod > parameters.fastPeriod, "slow_period", "must exceed fast_period (\(parameters.fastPeriod))")
/// ```
/// - Throws: ``ParameterDecodingError`` with path `parameters.<parameter>` and `reason`.
public func require(_ condition: @autoclosure () -> Bool, _ parameter: String,
                    _ reason: @autoclosure () -> String) throws(ParameterDecodingError) {
    guard condition() else { throw ParameterDecodingError(path: "parameters.\(parameter)", reason: reason()) }
}
