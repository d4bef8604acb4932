import Foundation
import SubledgerLedger
import SubledgerPostgres
import SubledgerStore

/// `import` into a folder that holds no store yet, in one pass (issue 13): the store is
/// built in a staging folder beside it (``NewStoreStaging``) by the one-pass import, and
/// moved into place once its events are committed. The input is read once, not checked
/// against an empty ledger first and then read again to record it.
///
/// What a user sees is what the two passes gave:
/// - bad input names its line and leaves no store (the staging folder and the key file made
///   for it are removed); so does a failure before the import's last commit, and an input
///   without facts;
/// - a reader of the folder finds no store until the whole import is there;
/// - killed at any moment, the import leaves no store, or the whole store once it was moved.
///   The staging folder it leaves is taken up by the next import into the folder: opened
///   for writing, its interrupted import is rolled back, and its key file still opens it.
///   One killed between its last commit and the move is moved into place first, and the
///   input then imported into it (its events there are recognised by their eventId).
extension FactFileRecording {
    /// Whether the input goes into a new store built aside: an import into a folder that
    /// does not exist, or is empty. (Into a PostgreSQL schema, or an apply, it does not.)
    func importsIntoNewStore() throws -> Bool {
        guard mode == .record else { return false }
        let path = try store.storePath()
        guard !PostgresStoreLocation.isURL(path), try !store.storeExists() else { return false }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return true }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["unreadable"]
        return isFolder.boolValue && entries.isEmpty
    }

    /// The import into a new store. See the extension's discussion.
    func importIntoNewStore(mapSize: Int) throws -> RecordingSummary {
        let target = try store.storePath()
        let staging = try NewStoreStaging(target: target)
        if try store.storeExists() {
            // Another import made the store between our look and our lock.
            guard !staging.holdsStore else {
                throw CommandFailure(
                    "\(staging.path) holds a store an interrupted import built for \(target), and \(target) holds a store now: move one of them away; nothing was written"
                )
            }
            staging.discard()
            return try importInOnePass(mapSize: mapSize)
        }
        if try stagedImportIsCommitted(staging, mapSize: mapSize) {
            try staging.moveIntoPlace()
            return try importInOnePass(mapSize: mapSize)
        }
        let summary = try importStaged(staging, mapSize: mapSize)
        if staging.holdsStore { try staging.moveIntoPlace() }
        return summary
    }

    /// Whether the staging folder holds the committed import of a run killed before the move.
    private func stagedImportIsCommitted(_ staging: NewStoreStaging, mapSize: Int) throws -> Bool {
        guard staging.holdsStore else { return false }
        // Opened for writing: an interrupted import is rolled back first.
        let stagedStore = try store.openStore(initialMapSizeBytes: mapSize, sealing: false, inFolder: staging.path)
        return try stagedStore.head().position > 0
    }

    /// The one pass into the staging folder's store, closed when this returns. Whatever
    /// fails before the import's last commit removes the staging folder and its key file.
    private func importStaged(_ staging: NewStoreStaging, mapSize: Int) throws -> RecordingSummary {
        var opened: EventStore?
        do {
            let eventStore = try store.openStore(initialMapSizeBytes: mapSize, inFolder: staging.path)
            opened = eventStore
            let summary = try importInOnePass(into: eventStore)
            if try eventStore.head().position == 0 {
                // No facts: no store, as before any import.
                discard(staging, keyFile: eventStore.keyFile, storeID: try eventStore.storeID())
            }
            return summary
        } catch {
            let staged = Self.describe(opened)
            opened = nil  // closed before the move
            if staged.committed {
                // After the last commit (the checkpoint failed) the import stands: moved into place.
                try staging.moveIntoPlace()
            } else if let storeID = staged.storeID {
                discard(staging, keyFile: staged.keyFile, storeID: storeID)
            } else {
                staging.discard()
            }
            throw error
        }
    }

    /// What a failed staged import leaves: whether its last commit went through, its key
    /// file and its store's id.
    private static func describe(_ store: EventStore?) -> (committed: Bool, keyFile: StoreKeyFile?, storeID: String?) {
        guard let store else { return (false, nil, nil) }
        return (((try? store.head().position) ?? 0) > 0, store.keyFile, try? store.storeID())
    }

    /// Removes the staging folder and the key file made for its store (no store will have
    /// its id); a key file of another store is left alone.
    private func discard(_ staging: NewStoreStaging, keyFile: StoreKeyFile?, storeID: String) {
        staging.discard()
        if let keyFile, keyFile.storeID == storeID { try? FileManager.default.removeItem(atPath: keyFile.path) }
    }
}
