import RuntimeHost

/// The logged-in user as every page shows them, with the CSRF token their forms carry.
struct PageUser: Sendable {
    var username: String
    var role: String
    var csrf: String

    init(user: ActingUser, csrf: String) {
        username = user.username
        role = user.role.rawValue
        self.csrf = csrf
    }
}
