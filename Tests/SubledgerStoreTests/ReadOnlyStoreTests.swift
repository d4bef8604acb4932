import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// A store opened with `EventStore.Options.readOnly` (issue 9, item 9; interchange.md: the
/// reading commands work on a store they cannot write and never write to it): it must
/// exist, nothing is created or written, every write is refused with a clear error, and
/// its owner is not checked.
@Suite("A store opened read-only")
struct ReadOnlyStoreTests {
    /// A new store in a new folder holding `count` payments; every handle on it is closed.
    static func storeWithPayments(_ count: Int) throws -> String {
        let folder = temporaryFolder()
        let store = try EventStore.open(at: folder)
        for amount in 1...count { try store.append([paymentEvent("+98911", amount: Int64(amount))]) }
        return folder
    }

    @Test func readingWritesNothingAndEveryWriteIsRefused() async throws {
        let folder = try Self.storeWithPayments(2)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dataBefore = try #require(try FolderImage(of: folder).files["data.mdb"])
        let store = try EventStore.open(at: folder, options: .init(readOnly: true))
        #expect(store.isReadOnly)
        #expect(try store.verify().verifiedCount == 2)
        #expect(try store.events(from: 1).map(\.data["amount"]) == [.integer(1), .integer(2)])
        let refusal = #expect(throws: EventStoreError.self) { try store.append([paymentEvent("+98911", amount: 3)]) }
        #expect(refusal?.code == .notWritable)
        #expect(refusal?.message.contains("opened read-only") == true, "\(String(describing: refusal))")
        #expect(refusal?.message.contains(folder) == true, "\(String(describing: refusal))")
        #expect(throws: EventStoreError.self) {
            try store.withAppendSession { try $0.append([paymentEvent("+98911", amount: 4)]) }
        }
        await #expect(throws: EventStoreError.self) {
            try await store.appendCoalesced([paymentEvent("+98911", amount: 5)])
        }
        #expect(throws: EventStoreError.self) { try store.rebuildProjection() }
        #expect(try store.head().position == 2)
        #expect(try FolderImage(of: folder).files["data.mdb"] == dataBefore, "data.mdb changed under a read-only store")
    }

    @Test func withoutALockFileNoneIsCreated() throws {
        let folder = try Self.storeWithPayments(1)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(unlink(folder + "/lock.mdb") == 0)
        let before = try FolderImage(of: folder)
        #expect(before.files.keys.sorted() == ["data.mdb"])
        let store = try EventStore.open(at: folder, options: .init(readOnly: true))
        #expect(try store.verify().verifiedCount == 1)
        #expect(try FolderImage(of: folder) == before, "a read-only open created or changed a file")
    }

    @Test func aFolderWithoutAStoreIsNeitherCreatedNorWritten() throws {
        let missing = temporaryFolder()
        let refusal = #expect(throws: EventStoreError.self) {
            try EventStore.open(at: missing, options: .init(readOnly: true))
        }
        #expect(refusal?.code == .notAStore)
        #expect(!FileManager.default.fileExists(atPath: missing), "a read-only open created the folder")
        let empty = temporaryFolder()
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let emptyRefusal = #expect(throws: EventStoreError.self) {
            try EventStore.open(at: empty, options: .init(readOnly: true))
        }
        #expect(emptyRefusal?.code == .notAStore)
        #expect(emptyRefusal?.message.contains("no data.mdb") == true, "\(String(describing: emptyRefusal))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
    }

    @Test func aStoredProjectionBehindTheLogIsNotCaughtUp() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = AmountTotals.key(.line("+98911"))
        do {
            try EventStore.open(at: folder, options: .init(projection: AmountTotals())).append([
                paymentEvent("+98911", amount: 5)
            ])
            // A writer without the projection appends: the stored projection is now behind.
            try EventStore.open(at: folder).append([paymentEvent("+98911", amount: 7)])
        }
        let before = try FolderImage(of: folder).files["data.mdb"]
        let store = try EventStore.open(at: folder, options: .init(projection: AmountTotals(), readOnly: true))
        let value = try store.projectionValue(for: key)
        #expect(!value.isCurrent, "the read-only store claims a projection it did not catch up is current")
        #expect(value.value.map(AmountTotals.decode)?.count == 1, "the stored projection was caught up")
        #expect(try FolderImage(of: folder).files["data.mdb"] == before, "opening read-only wrote data.mdb")
        // A writer opening a copy catches it up as before.
        let copy = try temporaryCopy(of: folder)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let writable = try EventStore.open(at: copy, options: .init(projection: AmountTotals()))
        let caughtUp = try writable.projectionValue(for: key)
        #expect(caughtUp.isCurrent)
        #expect(caughtUp.value.map(AmountTotals.decode)?.count == 2)
    }

    @Test func aStoreOpenReadOnlyInThisProcessIsNotOpenedForWritingBesideIt() throws {
        let folder = try Self.storeWithPayments(1)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reader = try EventStore.open(at: folder, options: .init(readOnly: true))
        let refusal = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(refusal?.code == .notWritable)
        #expect(refusal?.message.contains("read-only in this process") == true, "\(String(describing: refusal))")
        #expect(try reader.head().position == 1)
    }

    @Test func aStoreOpenForWritingInThisProcessServesAReadOnlyOpenThatStillRefusesWrites() throws {
        let folder = try Self.storeWithPayments(1)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try EventStore.open(at: folder)
        let reader = try EventStore.open(at: folder, options: .init(readOnly: true))
        try writer.append([paymentEvent("+98911", amount: 2)])
        #expect(try reader.head().position == 2)
        #expect(throws: EventStoreError.self) { try reader.append([paymentEvent("+98911", amount: 3)]) }
        #expect(try writer.head().position == 2)
    }
}

/// A copy of the store folder `folder` in a new folder (its path).
func temporaryCopy(of folder: String) throws -> String {
    let copy = temporaryFolder()
    try FileManager.default.copyItem(atPath: folder, toPath: copy)
    return copy
}

extension ReadOnlyStoreTests {
    /// A store made before the projections table existed lacks it: read-only, it reads as
    /// empty and not current (the reader folds the log), and nothing is created.
    @Test func aStoreWithoutTheProjectionsTableReadsItAsEmpty() throws {
        let folder = try Self.storeWithPayments(2)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EventStore.open(at: folder).deleteStoredProjectionTable()
        let before = try FolderImage(of: folder).files["data.mdb"]
        do {
            let store = try EventStore.open(at: folder, options: .init(projection: AmountTotals(), readOnly: true))
            let value = try store.projectionValue(for: AmountTotals.key(.line("+98911")))
            #expect(!value.isCurrent)
            #expect(value.value == nil)
            #expect(try store.verify().verifiedCount == 2)
        }
        #expect(try FolderImage(of: folder).files["data.mdb"] == before, "reading created the projections table")
        // A writer creates the table and folds the log into it, as it always did.
        let writable = try EventStore.open(at: folder, options: .init(projection: AmountTotals()))
        let caughtUp = try writable.projectionValue(for: AmountTotals.key(.line("+98911")))
        #expect(caughtUp.isCurrent)
        #expect(caughtUp.value.map(AmountTotals.decode)?.count == 2)
    }
}
