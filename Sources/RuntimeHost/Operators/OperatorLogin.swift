import Foundation
import Logging
import PostgresNIO
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// Who is running a command, as the system vouches for it rather than as the command line claims:
/// on the embedded cluster the OS user (only its owner can reach its socket), against a shared
/// server the PostgreSQL role the operator logged in as (`session_user`). Either is then looked up
/// in users.username.
public enum OperatorLogin {
    /// The login name of this process's effective user, or nil when the system has none.
    public static func osUser() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// The operator of a command: the OS user when `embedded`, else the database login role.
    public static func resolve(embedded: Bool, client: PostgresClient, logger: Logger) async throws -> String {
        if embedded {
            guard let name = osUser() else {
                throw OperatorError.invalidArgument(field: "operator", reason: "this process's user id \(geteuid()) has no login name")
            }
            return name
        }
        return try await HostCoordination(client).loginRole()
    }
}
