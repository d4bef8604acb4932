import Foundation
import SubledgerLedger
import SubledgerStore

/// The work of `subledger migrate OLD NEW` (issue 10, item 5): every event of a store of
/// format 1 carried, as it is, into a new store of format 2, all or nothing.
///
/// OLD is only read. NEW and its key file are made by the migration, so a failure at any
/// step (a bad event in OLD, a full disk, the checkpoint) removes them: there is never a
/// half-migrated NEW to mistake for the migrated one.
struct StoreMigration {
    let oldPath: String
    let newPath: String
    let keyFilePath: String

    /// What a migration did.
    struct Report {
        var events: UInt64
        /// Registrations whose name and national id became commitments.
        var sealedRegistrations: UInt64
        var oldHeadHash: ChainHash
        var newHeadHash: ChainHash
        var checkpoint: SignedCheckpoint
    }

    /// What the events carried so far came to, inside the append session.
    private struct Carried {
        var events: UInt64 = 0
        var sealedRegistrations: UInt64 = 0
        var lastOldHash = ChainHash.zero
    }

    func run() throws -> Report {
        let old = try openOld()
        let oldHead = try storeCall { try old.head() }
        guard let first = try storeCall({ try old.events(from: 1, limit: 1).first }) else {
            throw CommandFailure("\(oldPath) holds no events: there is nothing to migrate; nothing was written")
        }
        // A store of format 2 opened for migration reads as usual: its records carry their
        // stream's link, which no record of format 1 has.
        guard first.streamPreviousHash == nil else {
            throw CommandFailure("\(oldPath) is already format 2: there is nothing to migrate; nothing was written")
        }
        try refuseExistingNew()
        let createdFolder = !FileManager.default.fileExists(atPath: newPath)
        do {
            return try migrate(from: old, head: oldHead)
        } catch {
            removeNew(createdFolder: createdFolder)
            throw error
        }
    }

    private func openOld() throws -> EventStore {
        guard FileManager.default.fileExists(atPath: oldPath + "/data.mdb") else {
            throw CommandFailure("no store at \(oldPath): name the folder of the store of format 1 to migrate")
        }
        return try storeCall { try EventStore.open(at: oldPath, options: .init(openingFormat1ForMigration: true)) }
    }

    /// NEW must be new (or an empty folder), and so must its key file: nothing of theirs is
    /// ever overwritten, and a refusal here has written nothing.
    private func refuseExistingNew() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: newPath, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw CommandFailure(
                    "\(newPath) is a file: name a new folder for the migrated store; nothing was written")
            }
            if FileManager.default.fileExists(atPath: newPath + "/data.mdb") {
                throw CommandFailure(
                    "\(newPath) already holds a store: migrate makes a new one; name a new or empty folder; nothing was written"
                )
            }
            let contents = try FileManager.default.contentsOfDirectory(atPath: newPath)
            guard contents.isEmpty else {
                throw CommandFailure(
                    "\(newPath) is a folder that is not empty (\(contents.count) entries): name a new or empty folder; nothing was written"
                )
            }
        }
        if FileManager.default.fileExists(atPath: keyFilePath) {
            throw CommandFailure(
                "the key file \(keyFilePath) exists already: the new store gets new keys; name another with --key-file; nothing was written",
                field: "key-file")
        }
    }

    private func migrate(from old: EventStore, head oldHead: (position: UInt64, hash: ChainHash)) throws -> Report {
        var options = EventStore.Options(projection: LedgerProjection())
        // The new store holds the same events (and commitments, a little larger than the
        // clear values): a map twice the old file's size rarely has to grow mid-session.
        let oldSize = (try? FileManager.default.attributesOfItem(atPath: oldPath + "/data.mdb")[.size] as? Int) ?? 0
        options.initialMapSizeBytes = max(options.initialMapSizeBytes, min(oldSize, 1 << 40) * 2)
        let new = try storeCall { try EventStore.open(at: newPath, options: options) }
        let keyFile: StoreKeyFile
        do {
            keyFile = try new.openKeyFile(at: keyFilePath, creatingBesideStoreAt: newPath)
        } catch let error as StoreKeyFileError {
            throw CommandFailure(error.message, field: "key-file")
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        let carried = try storeCall { try new.withAppendSession { session in try carry(from: old, into: session) } }
        guard carried.events == oldHead.position, carried.lastOldHash == oldHead.hash else {
            throw CommandFailure(
                "\(oldPath): \(carried.events) events were read up to hash \(carried.lastOldHash), but its head is \(oldHead.position) at \(oldHead.hash); nothing was migrated"
            )
        }
        let newHead = try storeCall { try new.head() }
        let checkpoint = try storeCall {
            try new.recordCheckpoint(
                signingKey: keyFile.signingKey,
                noteExtensions: ["migrated-from \(oldHead.hash)", "migrated-events \(carried.events)"])
        }
        return Report(
            events: carried.events, sealedRegistrations: carried.sealedRegistrations,
            oldHeadHash: oldHead.hash, newHeadHash: newHead.hash, checkpoint: checkpoint)
    }

    /// The session's body: OLD read afresh from its first event (the session may run it
    /// again when the map grows), a chunk at a time, each chunk appended before the next
    /// is read, so that memory holds one chunk whatever the log's length.
    private func carry(from old: EventStore, into session: AppendSession) throws -> Carried {
        var carried = Carried()
        var pending: [ProposedEvent] = []
        pending.reserveCapacity(FactLimits.migratedEventsPerAppend)
        func appendPending() throws {
            guard !pending.isEmpty else { return }
            do {
                try session.append(pending)
            } catch let error as EventStoreError {
                throw CommandFailure(
                    "\(oldPath): the events at positions \(carried.events - UInt64(pending.count) + 1)..\(carried.events) were refused by the new store: \(error.message); nothing was migrated",
                    field: error.field)
            }
            pending.removeAll(keepingCapacity: true)
        }
        try old.forEachEvent(from: 1, chunkSize: FactLimits.migratedEventsPerAppend, verifyingHashes: true) {
            recorded in
            let event = try proposedEvent(carrying: recorded)
            if !event.personalFields.isEmpty { carried.sealedRegistrations += 1 }
            pending.append(event)
            carried.events += 1
            carried.lastOldHash = recorded.hash
            if pending.count >= FactLimits.migratedEventsPerAppend { try appendPending() }
        }
        try appendPending()
        return carried
    }

    /// The event to append for a format-1 record: read as a fact of the ledger (the path
    /// import takes, so that the typed event names its personal fields and a record that is
    /// no fact is refused), with the record's own data, id, times and metadata, and its
    /// position and stream version, which the new store must assign alike.
    private func proposedEvent(carrying recorded: RecordedEvent) throws -> ProposedEvent {
        let fact: RecordedFact
        do throws(FactError) {
            fact = try RecordedFact(recorded)
        } catch {
            throw CommandFailure(
                "\(oldPath): the event at position \(recorded.position) is not a fact of the ledger: \(error.description); nothing was migrated",
                field: error.field.isEmpty ? nil : error.field)
        }
        var event = fact.fact.proposedEvent()
        // The data as recorded, member for member (the typed event was only read from it).
        event.data = recorded.data
        event.recordedAt = recorded.recordedAt
        event.assigned = AssignedFields(position: recorded.position, streamVersion: recorded.streamVersion)
        return event
    }

    /// Removes what the migration made: NEW (or, when it was an empty folder given, what
    /// was put in it) and its key file, which did not exist before.
    private func removeNew(createdFolder: Bool) {
        let files = FileManager.default
        if createdFolder {
            try? files.removeItem(atPath: newPath)
        } else {
            for entry in (try? files.contentsOfDirectory(atPath: newPath)) ?? [] {
                try? files.removeItem(atPath: newPath + "/" + entry)
            }
        }
        try? files.removeItem(atPath: keyFilePath)
    }

    /// A store call whose refusal is reported with the store's message.
    private func storeCall<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as EventStoreError { throw CommandFailure(error.message) }
    }
}
