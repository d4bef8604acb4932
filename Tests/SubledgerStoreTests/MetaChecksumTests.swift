import Crypto
import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// The values of `meta` that nothing else checks carry a CRC-32C of key and value, and a
/// stored checkpoint is checked by its signature on every read (the simulator's seed 23 with
/// `SUBLEDGER_SIM_ALL_TABLES=1`: the store's id read flipped still looked like a UUID, and
/// `recordCheckpoint` signed a checkpoint naming another store's origin; docs/testing.md).
@Suite struct MetaChecksumTests {
    private func opened(_ backend: Backend, faults: StorageFaults, projection: AmountTotals? = nil) throws
        -> FaultInjectionTests.Opened
    {
        let clock = ManualClock(.at("2024-06-01T00:00:00Z"))
        let opened: FaultInjectionTests.Opened
        switch backend {
        case .inMemory:
            opened = .init(store: EventStore.faultInjecting(faults, clock: clock, projection: projection), folder: nil)
        case .lmdb:
            let folder = temporaryFolder()
            let store = try EventStore.openFaultInjecting(
                at: folder, options: .init(clock: clock, projection: projection), faults: faults)
            opened = .init(store: store, folder: folder)
        case .postgres:
            preconditionFailure("faults are injected into LMDB and the in-memory store only (Backend.reachingStoredBytes)")
        }
        try opened.store.append((1...20).map { paymentEvent("+98911\($0 % 3)", amount: Int64($0)) })
        return opened
    }

    /// A flip of one bit of a hexadecimal digit that leaves a hexadecimal digit: the id read
    /// so is still a UUID, which is what made the finding silent.
    private static func hexPreservingFlip(of id: String) -> (byte: Int, mask: UInt8) {
        let bytes = Array(id.utf8)
        let byte = bytes.firstIndex { (0x30...0x38).contains($0) || (0x62...0x65).contains($0) } ?? 0
        return (byte, 0x01)
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func theStoreIDReadFlippedIsRefusedAndNoCheckpointIsSigned(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let id = try opened.store.storeID()
        let flip = Self.hexPreservingFlip(of: id)
        faults.armCorruption(.flip(byte: flip.byte, mask: flip.mask), ofValue: 1, inTables: ["meta"])
        let error = #expect(throws: EventStoreError.self) {
            try opened.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        }
        #expect(!faults.isCorruptionArmed, "the id was read")
        faults.disarm()
        #expect(error?.code == .corrupted && error?.message.contains("does not match its checksum") == true)
        #expect(try opened.store.checkpoints().isEmpty)
        let checkpoint = try opened.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        #expect(checkpoint.origin == "subledger/\(id)")
    }

    /// The id stored before ids carried a checksum (36 bytes) is read as it is; one torn
    /// shorter is refused.
    @Test(arguments: Backend.reachingStoredBytes)
    func theStoreIDReadTornKeepsTheIDOrIsRefused(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let id = try opened.store.storeID()
        faults.armCorruption(.truncate(keeping: 36), ofValue: 1, inTables: ["meta"])
        #expect(try opened.store.storeID() == id)
        faults.armCorruption(.truncate(keeping: 35), ofValue: 1, inTables: ["meta"])
        let error = #expect(throws: EventStoreError.self) { try opened.store.storeID() }
        faults.disarm()
        #expect(error?.code == .corrupted && error?.message.contains("is not 36 or 40 bytes") == true)
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func aCheckpointReadFlippedIsRefusedNotHandedOut(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let key = Curve25519.Signing.PrivateKey()
        let recorded = try opened.store.recordCheckpoint(signingKey: key)
        let length = CanonicalJSON.encode(recorded.json).count
        // Bytes across the object: keys, the note, the root, the signature, the key.
        for byte in stride(from: 3, to: length, by: max(1, length / 12)) {
            faults.armCorruption(.flip(byte: byte, mask: 0x01), ofValue: 1, inTables: ["checkpoints"])
            let error = #expect(throws: EventStoreError.self, "byte \(byte)") { try opened.store.checkpoints() }
            faults.disarm()
            #expect(error?.code == .corrupted, "byte \(byte): \(String(describing: error))")
        }
        faults.armCorruption(.flip(byte: length - 20, mask: 0x01), ofValue: 1, inTables: ["checkpoints"])
        #expect(throws: EventStoreError.self) { try opened.store.recordCheckpoint(signingKey: key) }
        faults.disarm()
        #expect(try opened.store.checkpoints() == [recorded])
    }

    /// The projection's position read flipped would make the fold of an append skip events
    /// or fold them twice: whichever of the append's reads of `meta` is flipped, the fold is
    /// refused, and once caught up the projection is the log's fold.
    @Test(arguments: Backend.reachingStoredBytes)
    func theProjectionPositionReadFlippedNeverSkipsOrRefoldsEvents(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults, projection: AmountTotals())
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let streams = (0..<3).map { StreamID.line("+98911\($0)") }
        var refused = 0
        for occurrence in 1...4 {
            // The position's last byte, its low bits: read flipped, it is still 8 bytes of a
            // position near the true one.
            faults.armCorruption(.flip(byte: 7, mask: 0x02), ofValue: occurrence, inTables: ["meta"])
            do { try opened.store.append([paymentEvent("+989110", amount: 100)]) } catch let error as EventStoreError {
                #expect(error.code == .corrupted, "\(error)")
                refused += 1
            }
            faults.disarm()
        }
        #expect(refused >= 1, "no read of the projection's position was flipped")
        // A fold refused leaves the projection behind the log (its readers fold the log
        // then); the next append catches it up, and it must then be the log's fold.
        try opened.store.append([paymentEvent("+989111", amount: 1)])
        try expectProjectionMatchesTheLog(opened.store, streams: streams)
    }

    /// A pending import's marker read with its first position flipped would hide committed
    /// events from readers and have the next open roll them back (issue 13): it is refused.
    @Test(arguments: Backend.reachingStoredBytes)
    func aPendingImportMarkerReadFlippedIsRefused(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        try opened.store.markPendingImport(from: 15, id: .random(), startedAt: .at("2024-06-02T00:00:00Z"))
        #expect(try opened.store.head().position == 14)
        // Byte 7 is the low byte of the first position: 15 read as 11.
        faults.armCorruption(.flip(byte: 7, mask: 0x04), ofValue: 1, inTables: ["meta"])
        let error = #expect(throws: EventStoreError.self) { try opened.store.head() }
        #expect(!faults.isCorruptionArmed, "the marker was read")
        faults.disarm()
        #expect(error?.code == .corrupted, "\(String(describing: error))")
        #expect(error?.message.contains("pending-import marker") == true, "\(String(describing: error))")
        #expect(try opened.store.head().position == 14)
    }
}
