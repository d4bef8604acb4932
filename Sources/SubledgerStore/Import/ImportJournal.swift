/// What an import wrote that its events do not name (issue 13 item 4), kept in `meta` in
/// the transaction that wrote it, so that a rollback finds it: the subject keys the import
/// made (a subject's first personal value: the key is under the stream's prefix, and
/// nothing in the events says that it did not exist before), and whether it stored the
/// master key's generation for the first time. Entries are under the import's id: once
/// the import is visible they are cleared after its commit (``clear(budget:in:)``), and
/// one left by a crash then is of another id than any later import's, never rolled back.
enum ImportJournal {
    /// The `meta` key prefix of the journal's entries.
    static let prefix = Array("import.journal.".utf8)

    private static func key(of marker: PendingImport, _ tail: [UInt8]) -> [UInt8] {
        prefix + marker.importID.bytes + tail
    }

    /// Notes, in the transaction that makes it, that the import `marker` makes the subject key of `stream`.
    static func noteNewSubjectKey(
        of stream: StreamID, for marker: PendingImport, in transaction: some StorageTransaction
    ) throws {
        if try SubjectKeys.storedGeneration(in: transaction) == nil {
            try transaction.put(.meta, key: key(of: marker, [0]), value: [1], mode: .upsert)
        }
        try transaction.put(.meta, key: key(of: marker, [1] + stream.keyPrefix), value: [1], mode: .upsert)
    }

    /// Removes up to `budget` entries of `marker`'s journal and what they name; returns how many.
    static func rollBack(_ marker: PendingImport, budget: Int, in transaction: some StorageTransaction) throws -> Int {
        let own = key(of: marker, [])
        let keys = try entries(from: own, budget: budget, in: transaction)
        for key in keys {
            if key[own.count] == 0 {
                try transaction.delete(.meta, key: SubjectKeys.generationKey)
            } else {
                try transaction.delete(.subjectKeys, key: Array(key[(own.count + 1)...]))
            }
            try transaction.delete(.meta, key: key)
        }
        return keys.count
    }

    /// Forgets up to `budget` entries of any import (visible ones: their keys are the store's); returns how many.
    static func clear(budget: Int, in transaction: some StorageTransaction) throws -> Int {
        let keys = try entries(from: prefix, budget: budget, in: transaction)
        for key in keys { try transaction.delete(.meta, key: key) }
        return keys.count
    }

    private static func entries(from start: [UInt8], budget: Int, in transaction: some StorageTransaction) throws
        -> [[UInt8]]
    {
        var keys: [[UInt8]] = []
        try transaction.scan(.meta, from: start) { entry in
            guard keys.count < budget, entry.key.count > start.count, entry.key.starts(with: start) else {
                return false
            }
            keys.append(Array(entry.key))
            return true
        }
        return keys
    }
}
