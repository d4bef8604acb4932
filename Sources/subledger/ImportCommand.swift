import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger import FILE`: records the facts of a file as they are, all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record the facts of a JSON Lines file as they are, lawful or not, all or nothing.",
        discussion: """
            Each line is one event in the input form of interchange.md. The facts are recorded \
            whatever the rules say (the audit finds what breaks them); only input that cannot be \
            a fact is refused: malformed JSON or UTF-8, an unknown type, a missing or ill-typed \
            field, a negative amount, an event on a line or subscriber that does not exist yet, \
            a second activation, an invoice billing more than the unbilled charges, a recordedAt \
            out of order. Then nothing is imported and the error names FILE:LINE and the field. \
            Blank lines are skipped. recordedAt may be given (for migrating history): never \
            decreasing along the file, not before the store's last, not in the future. \
            The file is committed in bounded transactions that readers do not see until the last \
            one: killed at any moment, the import leaves all of its events or none (an interrupted \
            import is rolled back when the store is next opened for writing). A store whose \
            folder does not exist yet is built beside it, in .NAME.subledger-import, and moved \
            into place once whole; a killed import leaves that folder, which the next import \
            into the store takes up, and other commands are refused until then. \
            A progress bar is drawn on standard error when it is a terminal. \
            Memory grows with the number of telephone lines and subscribers the file touches, \
            not with its number of events.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The JSON Lines file, or - for standard input.") var file: String
    @Flag(name: .long, help: "Print one JSON document: {imported, alreadyRecorded, firstPosition, lastPosition}.")
    var json = false

    @Option(name: .long, help: .hidden) var transactionEvents = StoreLimits.importTransactionEvents

    func run() throws {
        var recording = FactFileRecording(input: try FactInput(argument: file), mode: .record, store: store)
        // The crash test's smaller transactions (issue 13): more of them in a small file.
        recording.importTransactionEvents = min(max(transactionEvents, 1), StoreLimits.importTransactionEvents)
        let summary = try recording.run()
        if json {
            JSONOutput.print(summary.json(verb: "imported"))
        } else {
            print(summary.text(verb: "imported"))
        }
    }
}
