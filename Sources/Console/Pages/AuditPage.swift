import Foundation
import RuntimeHost
import Storage

/// The admin's page: users with their role and login settings, and the newest audit rows of
/// every kind (who did what, from where, refused or not).
struct AuditPage: Sendable {
    struct User: Sendable {
        var username: String
        var email: String
        var role: String
        var active: String
        var twoFactor: String
    }

    var users: [User]
    var audit: [StrategyPage.Audit]

    init(users: [UserRecord], audit: [(record: AuditLogRecord, user: String)]) {
        self.users = users.sorted { $0.username < $1.username }.map {
            User(username: $0.username, email: $0.email, role: $0.role.rawValue, active: $0.isActive ? "yes" : "no",
                 twoFactor: $0.twoFactorEnabled ? "on" : "off")
        }
        self.audit = audit.map { entry in
            let record = entry.record
            return StrategyPage.Audit(time: Display.time(record.createdAt), action: record.action, user: entry.user,
                                      outcome: record.success ? "ok" : "refused", outcomeClass: record.success ? "trading" : "halted",
                                      detail: [record.resourceId.map { "\(record.resourceType) \($0)" }, record.errorMessage ?? record.newValue]
                                          .compactMap { $0 }.joined(separator: ": "),
                                      origin: [record.ipAddress, record.userAgent.map { String($0.prefix(40)) }].compactMap { $0 }
                                          .joined(separator: " · "))
        }
    }
}
