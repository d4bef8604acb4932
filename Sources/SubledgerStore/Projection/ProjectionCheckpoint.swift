/// Where the stored projection stands, kept in the `meta` table: the identity of the
/// projection that wrote the records and the last position they fold. The position carries
/// its checksum (``CheckedValue``): read flipped, it would make a catch-up skip events or
/// fold them twice. An identity read flipped names no projection, and the records are
/// rebuilt: that is safe, so it carries none.
struct ProjectionCheckpoint: Equatable {
    var identity: String
    var position: UInt64

    static let identityKey = Array("projection.identity".utf8)
    static let positionKey = Array("projection.checkpoint".utf8)

    /// The checkpoint stored in `transaction`, or `nil` when no projection was ever stored.
    static func read(in transaction: some StorageTransaction) throws -> ProjectionCheckpoint? {
        guard let identity = try transaction.get(.meta, key: identityKey).map({ String(decoding: $0, as: UTF8.self) })
        else {
            return nil
        }
        guard let stored = try transaction.get(.meta, key: positionKey) else {
            throw EventStoreError(.corrupted, "the store's projection checkpoint is missing")
        }
        let bytes = try CheckedValue.open(
            stored, key: positionKey, payloadLength: 8, what: "the store's projection checkpoint")
        guard let position = bytes.withUnsafeBytes(ByteReader.bigEndian) else {
            throw EventStoreError(.corrupted, "the store's projection checkpoint is malformed")
        }
        return ProjectionCheckpoint(identity: identity, position: position)
    }

    func write(in transaction: some StorageTransaction) throws {
        try transaction.put(.meta, key: Self.identityKey, value: Array(identity.utf8), mode: .upsert)
        let position = CheckedValue.sealed(StoreKeys.position(position), key: Self.positionKey)
        try transaction.put(.meta, key: Self.positionKey, value: position, mode: .upsert)
    }
}
