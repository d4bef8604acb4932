import ArgumentParser

/// The `subledger` command line (interchange.md, "Commands of subledger").
@main
struct Subledger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subledger",
        abstract: "An event-sourced, hash-chained ledger of telecom subscribers in debt.",
        subcommands: [
            DemoCommand.self, VerifyCommand.self, ReplayCommand.self,
            ImportCommand.self, ApplyCommand.self, StatusCommand.self, AuditCommand.self,
            SettleCommand.self, DueCommand.self, ExportCommand.self, RebuildCommand.self,
            StressAppendCommand.self,
        ]
    )
}
