import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger erase SUBSCRIBER` / `subledger erase --due`: crypto-shreds personal data (RET-1).
struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Makes a subscriber's personal data unreadable, or every erasure RET-1 makes due (--due).",
        discussion: """
            Appends PersonalDataErased and destroys the subscriber's key; every other key is \
            sealed again under a new master key, which replaces the key file's. The events keep \
            their commitments: every hash, verify and audit stays as it was. Needs the key file.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The subscriber whose personal data to erase.") var subscriber: String?
    @Flag(name: .long, help: "Erase every subscriber whose retention (RET-1) ended by --at.") var due = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --due, the moment to judge at (\(TimeArgument.help); default: now).", valueName: "time"),
        transform: TimeArgument.parse)
    var at: Timestamp?
    @Flag(
        name: .long, help: "Print one JSON document: {erased: [subscriber ids], position (of the last erasure, or 0)}.")
    var json = false

    func validate() throws {
        guard (subscriber != nil) != due else { throw ValidationError("name one SUBSCRIBER, or give --due") }
        if at != nil, !due { throw ValidationError("--at goes with --due") }
    }

    func run() throws {
        let ledger = try store.openWritableLedger(sealing: true)
        let time = at ?? SystemClock().now()
        let erased: [String]
        var position: UInt64 = 0
        do {
            if let subscriber {
                let id = try SubscriberID(subscriber)
                position = try ledger.erase(subscriber: id, at: SystemClock().now()).positions.last ?? 0
                erased = [subscriber]
            } else {
                erased = try ledger.eraseDue(at: time)
                if !erased.isEmpty { position = try ledger.store.head().position }
            }
        } catch let error as LedgerError {
            throw CommandFailure(error)
        } catch let error as FactError {
            throw CommandFailure(LedgerError.badFact(error))
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        if json {
            JSONOutput.print(
                .object(["erased": .array(erased.map { .string($0) }), "position": .integer(Int64(position))]))
        } else if erased.isEmpty {
            print("nothing to erase at \(DisplayFormat(calendar: ledger.calendar).time(time))")
        } else {
            print(
                "erased the personal data of \(erased.joined(separator: ", ")) (position \(position)); the master key was replaced"
            )
        }
    }
}
