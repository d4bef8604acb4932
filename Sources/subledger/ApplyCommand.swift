import ArgumentParser
import SubledgerLedger

/// `subledger apply FILE`: records the operator's actions of a file, each judged first.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Record a JSON Lines file of operator actions, each first judged by the rules in force at its time.",
        discussion: """
            The same input as import, but each event is an action of the operator: it is judged \
            by the rules of the policy edition in force at its occurredAt (POL-1), against the \
            store's history and the file's earlier events. If one breaks a rule, nothing is \
            recorded and the error names the input line, the rule id and the edition, as in \
            actions.jsonl:3: refused by CUT-1 (edition 2021): .... Recorded actions carry the \
            rules that allowed them and the edition in their metadata (rule, policyEdition; \
            POL-2). recordedAt is refused: the store records when an action is recorded.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The JSON Lines file, or - for standard input.") var file: String
    @Flag(name: .long, help: "Print one JSON document: {applied, alreadyRecorded, firstPosition, lastPosition}.")
    var json = false

    func run() throws {
        let recording = FactFileRecording(input: try FactInput(argument: file), mode: .apply, store: store)
        let summary = try recording.run()
        if json {
            JSONOutput.print(summary.json(verb: "applied"))
        } else {
            print(summary.text(verb: "applied"))
        }
    }
}
