import ArgumentParser
import SubledgerLedger
import SubledgerPostgres
import SubledgerStore

/// `subledger migrate OLD NEW`: carries a store of format 1 into a new store of format 2
/// (issue 10, item 5).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Carry every event of a store of format 1 into a new store of format 2, all or nothing.",
        discussion: """
            OLD is opened read-only and never changed. NEW must be a new (or empty) folder; it \
            is created with its key file (--key-file, default <NEW>.keys beside it), and every \
            event of OLD is appended in one transaction, with the same eventId, type, stream, \
            occurredAt, recordedAt, data, metadata, position and stream version; each gets a \
            format-2 hash (with its stream's link). A subscriber's name and national id are \
            replaced by commitments, the clear values sealed under NEW's key file. Then a \
            first checkpoint is signed whose note ends with the lines `migrated-from <OLD's \
            head hash>` and `migrated-events <n>`: the link from the old chain to the new. \
            OLD's hashes are checked as it is read; a bad event in it, or any other failure, \
            leaves no NEW and no key file. Memory holds one chunk of events at a time.
            """
    )

    @Argument(help: "The folder of the store of format 1.") var old: String
    @Argument(help: "A new (or empty) folder for the store of format 2.") var new: String
    @Option(
        name: .customLong("key-file"),
        help: "NEW's key file, which must not exist yet (default: <NEW>.keys beside NEW).")
    var keyFile: String?
    @Flag(
        name: .long,
        help: "Print one JSON document: {migrated, sealedRegistrations, oldHeadHash, newHeadHash, keyFile, checkpoint}."
    )
    var json = false

    func run() throws {
        for (name, path) in [("OLD", old), ("NEW", new)] where PostgresStoreLocation.isURL(path) {
            throw CommandFailure(
                "\(name) \(StoreOptions.shown(path)) is a PostgreSQL URL: migrate reads a folder of format 1 (a PostgreSQL store is of format 2 from its start) and writes a folder; to have the migrated store in PostgreSQL, migrate into a new folder, then run: subledger copy --from NEW --to URL --to-key-file FILE; nothing was written",
                field: name.lowercased())
        }
        let keyFilePath = keyFile ?? StoreKeyFile.defaultPath(forStoreAt: new)
        let report = try StoreMigration(oldPath: old, newPath: new, keyFilePath: keyFilePath).run()
        if json {
            JSONOutput.print([
                "migrated": .integer(Int64(report.events)),
                "sealedRegistrations": .integer(Int64(report.sealedRegistrations)),
                "oldHeadHash": .string(report.oldHeadHash.hex),
                "newHeadHash": .string(report.newHeadHash.hex),
                "keyFile": .string(keyFilePath),
                "checkpoint": report.checkpoint.json,
            ])
            return
        }
        print(
            "migrated \(report.events) event\(report.events == 1 ? "" : "s") from \(old) (format 1) into \(new) (format 2)"
        )
        print("old head hash \(report.oldHeadHash)")
        print("new head hash \(report.newHeadHash)")
        print(
            "the name and national id of \(report.sealedRegistrations) registration\(report.sealedRegistrations == 1 ? "" : "s") sealed under the key file \(keyFilePath)"
        )
        print(CheckpointText.lines(of: report.checkpoint))
    }
}

// A failure with --json is one JSON object on standard error (interchange.md).
extension MigrateCommand: JSONReportingCommand {}
