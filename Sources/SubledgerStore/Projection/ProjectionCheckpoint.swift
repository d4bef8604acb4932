/// Where the stored projection stands, kept in the `meta` table: the identity of the
/// projection that wrote the records and the last position they fold.
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
        guard let position = try transaction.get(.meta, key: positionKey).flatMap(ByteReader.bigEndian) else {
            throw EventStoreError(.corrupted, "the store's projection checkpoint is missing or malformed")
        }
        return ProjectionCheckpoint(identity: identity, position: position)
    }

    func write(in transaction: some StorageTransaction) throws {
        try transaction.put(.meta, key: Self.identityKey, value: Array(identity.utf8), mode: .upsert)
        try transaction.put(.meta, key: Self.positionKey, value: StoreKeys.position(position), mode: .upsert)
    }
}
