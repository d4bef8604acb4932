import SubledgerLedger
import SubledgerStore

/// `import` into a store that exists, in one pass (issue 13 item 6), and into a new one
/// built aside (`FactFileRecording+NewStore.swift`): each line is read,
/// parsed, admitted and appended once, inside ``EventStore/withImport(_:)``. The validator
/// reads the streams it needs from the store as it stood before the import (its readers stop
/// at the visible head) and folds the file's own facts itself; bad input found at any line,
/// however late, throws, and the import is rolled back: nothing visible changed. The import
/// lock and the marker keep every other writer out from the first line to the last, so no
/// stream can change under the validator and nothing needs checking again.
extension FactFileRecording {
    /// Whether the input is imported in one pass: an import (an apply stays in one
    /// session) into a store that exists (into none, the input is checked against an empty
    /// ledger before the store is created, so that bad input creates nothing).
    func importsInOnePass() throws -> Bool {
        guard mode == .record else { return false }
        return try store.storeExists()
    }

    /// The one pass into the named store. See the extension's discussion.
    func importInOnePass(mapSize: Int) throws -> RecordingSummary {
        try importInOnePass(into: try store.openStore(initialMapSizeBytes: mapSize))
    }

    /// The one pass into `eventStore`, open for writing, ending with a checkpoint when it
    /// recorded enough.
    func importInOnePass(into eventStore: EventStore) throws -> RecordingSummary {
        // The key is read (or made) before anything is recorded, when the input may be large
        // enough to end with a checkpoint: a missing key fails first, as in two passes.
        let keyFile = try keyFileForCheckpoint(of: eventStore, factCount: try mostFacts())
        do {
            let summary = try eventStore.withImport { session in
                var validator: FactStreamValidator
                do throws(LedgerError) {
                    validator = try FactStreamValidator(ledger: Ledger(store: eventStore), mode: mode)
                } catch {
                    throw CommandFailure(error.description)
                }
                return try sayingNothingImported {
                    try append(into: Destination(session, events: importTransactionEvents), validating: &validator)
                }
            }
            return try checkpointing(summary, of: eventStore, signedWith: keyFile)
        } catch let error as EventStoreError {
            throw CommandFailure("\(input.name): \(error.message)")
        }
    }

    /// Runs the body of an import (inside ``EventStore/withImport(_:)``, before the import is
    /// made visible): a storage that fails there (a connection cut mid-way, the validator's
    /// reads included) leaves the log as it was (what the import wrote is rolled back), and
    /// the message says so. Bad input keeps its own message.
    func sayingNothingImported<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch var failure as CommandFailure
            where failure.description.contains("storage failed while") && !failure.description.contains("nothing was")
        {
            failure.description += "; nothing was imported"
            throw failure
        } catch let error as EventStoreError where error.code == .storage && !error.message.contains("nothing was") {
            throw CommandFailure("\(input.name): \(error.message); nothing was imported")
        }
    }

    /// The most facts the input can hold: its bytes over the fewest a fact line takes (the
    /// type, a stream and `occurredAt` alone take more than 64), or any number when its
    /// size is not known.
    private func mostFacts() throws -> Int {
        guard let size = try LineReader(path: input.path, name: input.name).fileSize else { return Int.max }
        return size / 64 + 1
    }
}
