import ArgumentParser

@main
struct RuntimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Plugin-hosted strategy and risk runtime for OKX: paper trading, replay, risk and audit in PostgreSQL.",
        subcommands: [
            DatabaseCommand.self, MigrateCommand.self, DeployCommand.self, StrategiesCommand.self,
            RunCommand.self, ReplayCommand.self, SweepCommand.self, RecordCommand.self, StatusCommand.self,
            PauseCommand.self, ResumeCommand.self, StopCommand.self, HaltCommand.self, RiskCommand.self,
            TradesCommand.self, PositionsCommand.self, PerfCommand.self, CandlesCommand.self, UsersCommand.self,
            HistoryCommand.self, InstrumentsCommand.self, WebCommand.self,
        ]
    )
}
