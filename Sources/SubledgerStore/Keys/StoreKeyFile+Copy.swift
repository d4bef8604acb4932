/// The key file of a copy of a store (`subledger copy`, issue 15 item 4): a copy is the same
/// ledger (the same store id), its personal data sealed under the same master key and its
/// checkpoints signed with the same key, so its key file holds the same keys.
extension StoreKeyFile {
    /// Whether `other` holds the same keys: the same store, generation, master key and
    /// signing key, wherever each file is.
    /// - Parameter other: Another key file.
    /// - Returns: `true` when both files' contents are the same.
    public func holdsTheSameKeys(as other: StoreKeyFile) -> Bool {
        encoded() == other.encoded()
    }

    /// Writes these keys to a new file at `path` (mode 0600, on disk with its directory entry
    /// when this returns), or, when a file is there already, reads it and accepts it only
    /// when it holds the same keys. `storePath`, the copy's folder, must not hold it.
    /// - Parameters:
    ///   - path: Where the copy's key file goes.
    ///   - storePath: The copy's folder, or `nil` for a store in PostgreSQL.
    /// - Returns: The key file at `path`, and whether it was created now (`false`: it was there).
    /// - Throws: ``StoreKeyFileError`` naming the path: inside the store's folder, a file there
    ///   with other keys (or that is not a key file), or one that cannot be written.
    public func copied(to path: String, besideStoreAt storePath: String?) throws(StoreKeyFileError) -> (
        file: StoreKeyFile, created: Bool
    ) {
        if let storePath { try KeyFileIO.refuseInside(path, storePath: storePath) }
        let copy = StoreKeyFile(
            path: path, storeID: storeID, generation: generation, masterKey: masterKey, signingKey: signingKey)
        do {
            try KeyFileIO.create(path, contents: encoded())
            return (copy, true)
        } catch let error where error.message.contains("exists already") {
            let existing = try KeyFileIO.read(path)
            guard existing.holdsTheSameKeys(as: self) else {
                throw StoreKeyFileError(
                    path: path,
                    "the key file \(path) exists and holds other keys than \(self.path) (store \(existing.storeID), generation \(existing.generation)): the copy's key file must hold the same keys; name another with --to-key-file or remove it"
                )
            }
            return (existing, false)
        }
    }
}
