internal import Crypto

/// The keys of personal data in the store (RET-1): one random AES-256 key per subject
/// (the stream that holds the personal values), kept in `subjectKeys` sealed under the
/// master key of the key file, with the master key's generation in front so that a key
/// file of another generation is named, not mistaken for a wrong key.
///
/// Erasing a subject deletes its entry; the entry may live on in the file's free pages,
/// but sealed under a master key that the erase replaced and destroyed.
enum SubjectKeys {
    /// `meta` key of the master key's generation the store's subject keys are sealed under.
    static let generationKey = Array("masterKeyGeneration".utf8)
    /// Generation (8) + nonce (12) + sealed key (32) + tag (16).
    static let storedBytes = 8 + 12 + 32 + 16

    /// The generation kept in `meta`; `nil` while the store has sealed no personal data.
    static func storedGeneration(in transaction: some StorageTransaction) throws -> UInt64? {
        guard let bytes = try transaction.get(.meta, key: generationKey) else { return nil }
        guard let generation = ByteReader.bigEndian(bytes) else {
            throw EventStoreError(.corrupted, "the master key generation in the store's meta table is not 8 bytes")
        }
        return generation
    }

    static func writeGeneration(_ generation: UInt64, in transaction: some StorageTransaction) throws {
        try transaction.put(.meta, key: generationKey, value: StoreKeys.position(generation), mode: .upsert)
    }

    /// Refuses a key file whose generation is not the store's: a key file left behind by
    /// an erase of another process, or an older copy of the file.
    static func checkGeneration(of keyFile: StoreKeyFile, in transaction: some StorageTransaction) throws {
        guard let stored = try storedGeneration(in: transaction), stored != keyFile.generation else { return }
        throw EventStoreError(
            .keysMissing,
            "the key file \(keyFile.path) holds master key generation \(keyFile.generation), but the store's personal data is sealed under generation \(stored) (an erase replaced the master key): open the store again with its current key file"
        )
    }

    /// A new random subject key for `stream`, stored sealed under the key file's master key.
    static func create(for stream: StreamID, keyFile: StoreKeyFile, in transaction: some StorageTransaction) throws
        -> SymmetricKey
    {
        let key = SymmetricKey(size: .bits256)
        if try storedGeneration(in: transaction) == nil { try writeGeneration(keyFile.generation, in: transaction) }
        try transaction.put(
            .subjectKeys, key: stream.keyPrefix, value: try wrap(key, prefix: stream.keyPrefix, under: keyFile),
            mode: .upsert)
        return key
    }

    /// The subject key of `stream`, or `nil` when it has none (no personal data, or erased).
    static func find(for stream: StreamID, keyFile: StoreKeyFile, in transaction: some StorageTransaction) throws
        -> SymmetricKey?
    {
        let prefix = stream.keyPrefix
        guard let stored = try transaction.get(.subjectKeys, key: prefix) else { return nil }
        return try unwrap(Array(stored), prefix: prefix, under: keyFile, naming: stream.description)
    }

    /// The subject key sealed under `keyFile`'s master key; the stream prefix and the
    /// generation are authenticated, so an entry moved to another subject does not open.
    static func wrap(_ key: SymmetricKey, prefix: [UInt8], under keyFile: StoreKeyFile) throws -> [UInt8] {
        let generation = StoreKeys.position(keyFile.generation)
        let box = try key.withUnsafeBytes { bytes in
            try AES.GCM.seal(Array(bytes), using: keyFile.masterKey, authenticating: prefix + generation)
        }
        guard let combined = box.combined else {
            throw EventStoreError(.storage, "AES-GCM gave no combined box for a subject key")
        }
        return generation + Array(combined)
    }

    /// Opens a stored subject key; `subject` names it in errors (a stream, never personal data).
    static func unwrap(_ stored: [UInt8], prefix: [UInt8], under keyFile: StoreKeyFile, naming subject: String) throws
        -> SymmetricKey
    {
        guard stored.count == storedBytes,
            let generation = stored.withUnsafeBytes({
                ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: $0[0..<8]))
            })
        else {
            throw EventStoreError(.corrupted, "the stored key of \(subject) is not \(storedBytes) bytes")
        }
        guard generation == keyFile.generation else {
            throw EventStoreError(
                .keysMissing,
                "the key of \(subject) is sealed under master key generation \(generation), the key file \(keyFile.path) holds generation \(keyFile.generation): open the store again with its current key file"
            )
        }
        do {
            let box = try AES.GCM.SealedBox(combined: stored[8...])
            let bytes = try AES.GCM.open(box, using: keyFile.masterKey, authenticating: prefix + stored[0..<8])
            return SymmetricKey(data: bytes)
        } catch {
            throw EventStoreError(
                .keysMissing,
                "the key of \(subject) does not open under the master key of \(keyFile.path): it is another store's key file, or the stored key is damaged"
            )
        }
    }
}
