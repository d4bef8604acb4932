#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The index entries of one table that one import transaction wrote, in memory until it
/// commits (issue 13): one flat buffer of keys and values, and where each entry lies in it.
/// Sorted once, they become a run (``IndexRunFile``) merged into the table when the import ends.
struct IndexRunBuilder {
    struct Entry {
        var offset: Int
        var keyLength: Int
        var valueLength: Int
    }

    private(set) var bytes: [UInt8] = []
    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func add(key: [UInt8], value: [UInt8]) {
        precondition(key.count <= Int(UInt16.max), "an index key fits a run's 16-bit key length")
        entries.append(Entry(offset: bytes.count, keyLength: key.count, valueLength: value.count))
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: value)
    }

    /// The entries in key order (each key is written once per import: no ties).
    func sortedEntries() -> [Entry] {
        bytes.withUnsafeBytes { base in
            entries.sorted { left, right in
                IndexRunBuilder.compare(
                    UnsafeRawBufferPointer(rebasing: base[left.offset..<left.offset + left.keyLength]),
                    UnsafeRawBufferPointer(rebasing: base[right.offset..<right.offset + right.keyLength])) < 0
            }
        }
    }

    /// Byte order of keys, as LMDB's default comparison: negative when `left` sorts first.
    static func compare(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        let common = min(left.count, right.count)
        if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
            let order = memcmp(leftBase, rightBase, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }

    /// Byte order of two keys held as arrays.
    static func compare(_ left: [UInt8], _ right: [UInt8]) -> Int {
        left.withUnsafeBytes { leftBytes in right.withUnsafeBytes { compare(leftBytes, $0) } }
    }
}

/// The index entries one import transaction defers (issue 13): one builder per deferred
/// table, and the event ids it assigned, which later events of the same transaction must find.
struct DeferredIndexEntries {
    /// The tables whose entries an import writes in sorted runs, not at random keys one by one.
    static let tables: [Table] = [.eventIDs, .streams, .streamTimes, .disclosures]

    private(set) var builders = [IndexRunBuilder](repeating: IndexRunBuilder(), count: tables.count)
    private(set) var positionsByID: [EventID: UInt64] = [:]

    mutating func add(_ table: Table, key: [UInt8], value: [UInt8]) {
        guard let index = Self.tables.firstIndex(of: table) else {
            preconditionFailure("\(table.name) is not an index an import defers")
        }
        builders[index].add(key: key, value: value)
    }

    mutating func noteEventID(_ id: EventID, at position: UInt64) {
        positionsByID[id] = position
        add(.eventIDs, key: StoreKeys.eventID(id), value: StoreKeys.position(position))
    }
}
