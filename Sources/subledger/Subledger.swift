import ArgumentParser

/// The `subledger` command line (interchange.md, "Commands of subledger").
@main
struct Subledger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subledger",
        abstract: "An event-sourced, hash-chained ledger of telecom subscribers in debt.",
        version: SubledgerVersion.current,
        subcommands: [
            DemoCommand.self, VerifyCommand.self, ReplayCommand.self,
            ImportCommand.self, ApplyCommand.self, StatusCommand.self, LinesCommand.self, AuditCommand.self,
            SettleCommand.self, DueCommand.self, ExportCommand.self, RebuildCommand.self, EraseCommand.self,
            StressAppendCommand.self, CheckpointCommand.self, ProveCommand.self, MigrateCommand.self, CopyCommand.self,
            PolicyCommand.self, ServeCommand.self,
        ]
    )

    /// Runs the command; a failure is printed as ArgumentParser prints it (`Error: ...`,
    /// with the usage for a usage error), or, when the command was given `--json`, as one
    /// JSON document on standard error (``ErrorReport``), with the same exit status.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let status = exitCode(for: error)
            let text = message(for: error)
            // Help and --version exit cleanly; an exit without a message (verify's verdict
            // "bad", already printed) has nothing to report.
            guard status != .success, !text.isEmpty, asksForJSON(arguments) else { exit(withError: error) }
            ErrorReport(error, message: text).print()
            exit(withError: status)
        }
    }
}
