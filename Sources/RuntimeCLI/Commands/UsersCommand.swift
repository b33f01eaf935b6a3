import ArgumentParser
import Console
import Foundation
import RuntimeHost
import Storage
import StrategyKit

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage users and roles (admin, trader, risk_officer, viewer).",
        discussion: """
            The operator of every command is who the system says: the OS user on the embedded cluster, the \
            PostgreSQL login role against a shared server (DATABASE_URL), looked up in users.username. On a database \
            without users, the first operator (normally the one running `runtime migrate`) becomes its first admin. \
            An admin adds the others here; --user NAME or RUNTIME_USER lets an admin act as another, narrower user.
            """,
        subcommands: [Add.self, List.self, Passwd.self, TOTP.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user (admin only, except the first admin).")

        @Argument(help: "The username (3-50 of A-Z a-z 0-9 _ . -).")
        var username: String

        @Option(name: .long, help: "admin, trader, risk_officer or viewer.")
        var role: String

        @Option(name: .long, help: "The email (default: NAME@localhost).")
        var email: String?

        @OptionGroup var actingUser: ActingUserOption

        func run() async throws {
            guard let userRole = UserRole(rawValue: role) else {
                throw ValidationError("--role must be one of \(UserRole.allCases.map(\.rawValue).joined(separator: ", ")), not '\(role)'")
            }
            try await OperatorCLI.run {
                try await DatabaseEnvironment.withOperator(actingAs: actingUser.actingAs) { context in
                    let actor = try await context.authorize(.manageUsers, action: UserAdministration.addAction, resourceType: "user",
                                                            resourceId: username)
                    let added = try await UserAdministration(client: context.client)
                        .add(username: username, role: userRole, email: email, by: actor)
                    let user = added.user
                    print("added \(user.username) (\(user.role.rawValue), \(user.email))")
                    if let group = added.grantedGroup {
                        print("granted \(group) to the login role \(user.username)")
                    } else if let failure = added.grantFailure {
                        print("""
                            warning: the login role \(user.username) was not granted \(UserRepository.groupRole(of: user.role)): \(failure)
                            ask the database owner to run: GRANT \(UserRepository.groupRole(of: user.role)) TO "\(user.username)";
                            """)
                    }
                }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd", abstract: "Set a user's console password (yourself, or anyone as an admin).",
            discussion: "Reads the password from standard input: asked twice without echo on a terminal, the first line when piped. At least 12 characters; stored as a bcrypt hash.")

        @Argument(help: "The username.")
        var username: String

        @OptionGroup var actingUser: ActingUserOption

        func run() async throws {
            let password = try PasswordPrompt.read(for: username)
            let hash: String
            do {
                hash = try await PasswordPolicy.standard.hash(password)
            } catch let error as ConsoleError {
                FileHandle.standardError.write(Data("runtime: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
            try await OperatorCLI.run {
                try await DatabaseEnvironment.withOperator(actingAs: actingUser.actingAs) { context in
                    let own = actingUser.actingAs == nil && username == context.identity
                    let actor = try await context.authorize(own ? .read : .manageUsers, action: "user.password", resourceType: "user",
                                                            resourceId: username)
                    if try await ConsoleAccounts(context.client).setPassword(identity: context.identity, actingAs: actingUser.actingAs,
                                                                             username: username, hash: hash) == .unknownUser {
                        throw OperatorError.unknownUser(username)
                    }
                    print("password of \(username) set by \(actor.username)")
                }
            }
        }
    }

    struct TOTP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp", abstract: "Turn on two-factor login (TOTP) for the console, or off with --disable.",
            discussion: "Prints an otpauth:// URL to add to an authenticator app; from then on the console asks for its 6-digit code at login. Needs a password first (`runtime users passwd`). Yourself, or anyone as an admin.")

        @Argument(help: "The username.")
        var username: String

        @Flag(name: .long, help: "Remove the secret and turn two-factor login off.")
        var disable = false

        @OptionGroup var actingUser: ActingUserOption

        func run() async throws {
            let secret = disable ? nil : OneTimeCode.newSecret()
            try await OperatorCLI.run {
                try await DatabaseEnvironment.withOperator(actingAs: actingUser.actingAs) { context in
                    let own = actingUser.actingAs == nil && username == context.identity
                    let actor = try await context.authorize(own ? .read : .manageUsers, action: "user.two_factor", resourceType: "user",
                                                            resourceId: username)
                    switch try await ConsoleAccounts(context.client).setTOTP(identity: context.identity, actingAs: actingUser.actingAs,
                                                                             username: username, secret: secret) {
                    case .unknownUser?: throw OperatorError.unknownUser(username)
                    case .noPassword?:
                        throw OperatorError.invalidArgument(field: "username", reason: "'\(username)' has no password yet; run `runtime users passwd \(username)` first")
                    case nil: break
                    }
                    if let secret {
                        print("two-factor login on for \(username) (by \(actor.username)); add this to the authenticator app:")
                        print(OneTimeCode.authenticatorURL(secret: secret, username: username))
                    } else {
                        print("two-factor login off for \(username) (by \(actor.username))")
                    }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users and their roles.")

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            try await OperatorCLI.run {
                try await DatabaseEnvironment.withDatabase(as: .read, action: "view.users") { _, client in
                    let users = try await UserAdministration(client: client).list()
                    if json {
                        print(ParameterValue.array(users.map {
                            .object(["username": .string($0.username), "role": .string($0.role.rawValue), "email": .string($0.email),
                                     "active": .bool($0.isActive), "id": .string($0.id.uuidString.lowercased())])
                        }).jsonText)
                        return
                    }
                    var table = TextTable("USERNAME", "ROLE", "EMAIL", "ACTIVE")
                    for user in users { table.add(user.username, user.role.rawValue, user.email, user.isActive ? "yes" : "no") }
                    print(table.render())
                    if users.isEmpty { print("no users yet: `runtime users add NAME --role admin` creates the first admin") }
                }
            }
        }
    }
}
