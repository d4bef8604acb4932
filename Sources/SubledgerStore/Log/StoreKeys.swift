/// The keys of the store's tables.
enum StoreKeys {
    static func position(_ position: UInt64) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(8)
        ByteWriter.appendBigEndian(position, to: &key)
        return key
    }

    static func streamVersion(_ prefix: [UInt8], _ version: UInt64) -> [UInt8] {
        var key = prefix
        ByteWriter.appendBigEndian(version, to: &key)
        return key
    }

    /// Stream prefix, occurredAt biased so that negative times sort first, then version.
    static func streamTime(_ prefix: [UInt8], _ occurredAt: Timestamp, _ version: UInt64) -> [UInt8] {
        var key = prefix
        ByteWriter.appendBigEndian(UInt64(bitPattern: occurredAt.millisecondsSinceEpoch) ^ (1 << 63), to: &key)
        ByteWriter.appendBigEndian(version, to: &key)
        return key
    }

    static func eventID(_ id: EventID) -> [UInt8] { id.bytes }

    static let formatKey = Array("format".utf8)
    static let kindKey = Array("kind".utf8)
    static let storeIDKey = Array("storeId".utf8)
    static let kindValue = Array("subledger event store".utf8)

    static func hasPrefix(_ key: UnsafeRawBufferPointer, _ prefix: [UInt8], totalLength: Int) -> Bool {
        key.count == totalLength && key.prefix(prefix.count).elementsEqual(prefix)
    }
}
