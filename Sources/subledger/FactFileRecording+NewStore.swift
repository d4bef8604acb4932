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
///   for writing, its interrupted import is rolled back, and its key file still opens it;
///   one killed between its last commit and the move takes the input too, and is moved
///   (its events already there are recognised by their eventId).
/// - while it is built, other commands that would create the store are refused
///   (``NewStoreStaging/isBeingBuilt(for:)``).
extension FactFileRecording {
    /// Whether the input goes into a new store built aside: an import into a folder path
    /// where nothing exists yet (no folder, file or link: an existing folder, even empty, a
    /// mount point or a link keeps its owner and mode only if the store is made in it, so it
    /// takes the two passes). Into a PostgreSQL schema, or an apply, it does not.
    func importsIntoNewStore() throws -> Bool {
        guard mode == .record else { return false }
        let path = try store.storePath()
        guard !PostgresStoreLocation.isURL(path) else { return false }
        return !NewStoreStaging.somethingExists(at: path)
    }

    /// The import into a new store. See the extension's discussion.
    func importIntoNewStore(mapSize: Int) throws -> RecordingSummary {
        let target = try store.storePath()
        let staging = try NewStoreStaging(target: target)
        guard !NewStoreStaging.somethingExists(at: target) else {
            // Made between our look and our lock.
            if !staging.holdsStore { staging.discard() }
            throw CommandFailure(
                "\(target) was created while this import started: import again; nothing was written")
        }
        let summary = try importStaged(staging, mapSize: mapSize)
        if staging.holdsStore { try staging.moveIntoPlace() }
        return summary
    }

    /// The one pass into the staging folder's store, closed when this returns: a store a
    /// killed import left there is opened for writing (its interrupted import rolled back)
    /// and takes the input too. What fails before the import's last commit removes the
    /// staging folder and its key file; after it (the checkpoint failed), the store is moved
    /// into place; when that cannot be told, both are left for the next import.
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
            let wasOpened = opened != nil
            let staged = Self.describe(opened)
            opened = nil  // closed before the move
            if staged.committed == true {
                try staging.moveIntoPlace()
            } else if staged.committed == false, let storeID = staged.storeID {
                discard(staging, keyFile: staged.keyFile, storeID: storeID)
            } else if !wasOpened, !staging.holdsStore {
                staging.discard()
            }
            // Otherwise it cannot be told: left for the next import, which rolls back or moves it.
            throw error
        }
    }

    /// What a failed staged import leaves: whether its last commit went through (`nil`: it
    /// cannot be told), its key file and its store's id.
    private static func describe(_ store: EventStore?) -> (committed: Bool?, keyFile: StoreKeyFile?, storeID: String?)
    {
        guard let store else { return (nil, nil, nil) }
        return ((try? store.head().position).map { $0 > 0 }, store.keyFile, try? store.storeID())
    }

    /// Removes the key file made for the staging folder's store (no store will have its
    /// id), then the folder: a kill in between leaves a store without a key file, which the
    /// next import takes up and makes one for. A key file of another store is left alone.
    private func discard(_ staging: NewStoreStaging, keyFile: StoreKeyFile?, storeID: String) {
        if let keyFile, keyFile.storeID == storeID { try? FileManager.default.removeItem(atPath: keyFile.path) }
        staging.discard()
    }
}
