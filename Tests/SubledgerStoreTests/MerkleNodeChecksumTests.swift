import Crypto
import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// A stored Merkle node carries the CRC-32C of its key and root: a node read flipped is
/// refused by the read that takes it, so a checkpoint never signs a root that is not the
/// log's (the simulator's seed 5 with `SUBLEDGER_SIM_ALL_TABLES=1`, docs/testing.md).
@Suite struct MerkleNodeChecksumTests {
    /// A store of 70 events (stored nodes at levels 4 to 6) on the fault-injecting backend.
    private func opened(_ backend: Backend, faults: StorageFaults) throws -> FaultInjectionTests.Opened {
        let opened = try FaultInjectionTests.open(backend, faults: faults)
        try opened.store.append((1...70).map { paymentEvent("+98911\($0 % 3)", amount: Int64($0)) })
        return opened
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func aNodeReadFlippedIsRefusedAndNoCheckpointIsSigned(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        for byte in [0, 9, 31, 33] {
            faults.armCorruption(.flip(byte: byte, mask: 0x10), ofValue: 1, inTables: ["merkleNodes"])
            let error = #expect(throws: EventStoreError.self) {
                try opened.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
            }
            #expect(!faults.isCorruptionArmed, "byte \(byte): a node was read")
            faults.disarm()
            #expect(error?.code == .corrupted, "byte \(byte): \(String(describing: error))")
            #expect(error?.message.contains("does not match its checksum") == true, "\(error?.message ?? "")")
            #expect(try opened.store.checkpoints().isEmpty)
        }
        #expect(try opened.store.verify().isValid)
    }

    /// A read torn after the 32 bytes of the root still has the whole root (and a node of
    /// 32 bytes is one written before nodes had a checksum); one torn shorter is refused.
    @Test(arguments: Backend.reachingStoredBytes)
    func aNodeReadTornKeepsItsRootOrIsRefused(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try opened(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let root = try opened.store.merkleRoot(size: 70)
        faults.armCorruption(.truncate(keeping: 32), ofValue: 1, inTables: ["merkleNodes"])
        #expect(try opened.store.merkleRoot(size: 70) == root)
        #expect(!faults.isCorruptionArmed)
        faults.armCorruption(.truncate(keeping: 31), ofValue: 1, inTables: ["merkleNodes"])
        let error = #expect(throws: EventStoreError.self) { try opened.store.merkleRoot(size: 70) }
        faults.disarm()
        #expect(error?.code == .corrupted && error?.message.contains("is not 32 or 36 bytes") == true)
    }
}
