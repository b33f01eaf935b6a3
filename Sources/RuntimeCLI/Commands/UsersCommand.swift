import ArgumentParser

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Manage users and roles (admin, trader, viewer).")

    func run() async throws {
        throw NotImplementedYet(command: "users", issue: 9)
    }
}
