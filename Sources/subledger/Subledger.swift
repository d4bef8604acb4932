import ArgumentParser

/// The `subledger` command line (interchange.md, "Commands of subledger").
@main
struct Subledger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subledger",
        abstract: "An event-sourced, hash-chained ledger of telecom subscribers in debt.",
        subcommands: [DemoCommand.self, VerifyCommand.self]
    )
}
