import RuntimeHost

extension Console {
    /// The overview page's HTML for `user`, from the database (the same report as `runtime status`).
    func overview(user: PageUser, flash: Flash?) async throws -> String {
        let report = try await StatusReader(client, target: configuration.databaseName).read()
        return templates.page(title: "Overview", user: user, flash: flash, section: "overview",
                              body: templates.render("overview", OverviewPage(report: report, csrf: user.csrf)))
    }
}

extension ConsoleServer {
    /// The overview page as GET / renders it for `user`, without HTTP and the session cookie's
    /// check: the server time the benchmark (Benchmarks/Benchmarks/ConsoleOverview) measures.
    public func overviewPage(for user: ActingUser) async throws -> String {
        try await console.overview(user: PageUser(user: user, csrf: "benchmark"), flash: nil)
    }
}
