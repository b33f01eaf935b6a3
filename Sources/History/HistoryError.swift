/// Why a history download stopped.
public enum HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A request failed for good: OKX refused it, or it kept failing past the retry budget.
    case requestFailed(instrument: String, request: HistoryRequest, attempts: Int, failure: RequestFailure)
    /// The server's pages did not move the cursor.
    case pagination(instrument: String, request: HistoryRequest, reason: String)
    /// The output file cannot be read, repaired or written.
    case file(path: String, reason: String)

    public var description: String {
        switch self {
        case .requestFailed(let instrument, let request, let attempts, let failure):
            "\(instrument): \(request) failed" + (attempts > 1 ? " after \(attempts) attempts" : "") + ": \(failure)"
        case .pagination(let instrument, let request, let reason): "\(instrument): \(request): \(reason)"
        case .file(let path, let reason): "\(path): \(reason)"
        }
    }
}
