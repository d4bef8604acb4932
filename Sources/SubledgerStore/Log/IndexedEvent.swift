/// An entry of a stream index (`streams` or `streamTimes`): the version its key names, the
/// time a time index's key names, and the position its value holds. The event read there
/// must be of that stream, version (and time): a torn or flipped entry read is corruption,
/// never a shorter stream nor another event (issue 12 item 7, found by the simulator).
struct IndexedEvent: Sendable {
    var position: UInt64
    var version: UInt64
    var occurredAt: Timestamp?

    /// The entry `entry` of `stream`'s index, whose key holds the version at byte
    /// `versionAt` and, for the time index, the biased time at byte `timeAt`.
    init(_ entry: StorageEntry, of stream: StreamID, versionAt: Int, timeAt: Int? = nil) throws {
        let key = entry.key
        guard key.count >= versionAt + 8,
            let version = ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: key[versionAt..<versionAt + 8])),
            entry.value.count == 8, let position = ByteReader.bigEndian(entry.value)
        else {
            throw EventStoreError(.corrupted, "the stream index of \(stream) holds a bad entry")
        }
        self.position = position
        self.version = version
        occurredAt = try timeAt.map { offset in
            guard key.count >= offset + 8,
                let biased = ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: key[offset..<offset + 8]))
            else {
                throw EventStoreError(.corrupted, "the time index of \(stream) holds a bad entry")
            }
            return Timestamp(millisecondsSinceEpoch: Int64(bitPattern: biased ^ (1 << 63)))
        }
    }

    /// Throws unless `event`, read at ``position``, is the one this entry names.
    func check(_ event: RecordedEvent, of stream: StreamID) throws {
        guard event.stream == stream else {
            throw EventStoreError.corrupted(
                at: position, "the stream index of \(stream) points to an event of \(event.stream)")
        }
        guard event.streamVersion == version, occurredAt == nil || occurredAt == event.occurredAt else {
            throw EventStoreError.corrupted(
                at: position, "the stream index of \(stream) names version \(version), the event is another")
        }
    }
}

extension RecordedEvent {
    /// Throws unless this event, found through the id index, carries `id`: an entry read
    /// torn or flipped points at another event (the simulator's seed 58).
    func checkIndexed(as id: EventID) throws {
        guard eventID == id else {
            throw EventStoreError.corrupted(
                at: position, "the event id index entry of \(id) points to the event \(eventID)")
        }
    }
}
