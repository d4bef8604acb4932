import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Stores of format 1 (before issue 10, item 5): refused at open with a message naming
/// `subledger migrate`, and readable only by migrate, read-only.
@Suite("Stores of format 1 (issue 10, item 5)")
struct Format1StoreTests {
    static func format1Store(eventCount: Int = 6) throws -> String {
        let folder = temporaryFolder()
        let store = try EventStore.creatingFormat1ForTesting(
            at: folder, options: .init(clock: ManualClock(.at("2025-01-01T00:00:00Z"))))
        try store.append((1...eventCount).map { paymentEvent("+9891\($0 % 2)", amount: Int64($0)) })
        return folder
    }

    static func refusalMessage(_ folder: String) -> String {
        "\(folder) is a store of format 1 (hashes without streamPrevHash, personal data in clear); this subledger writes format 2: "
            + "run `subledger migrate \(folder) NEW` to carry its events into a new store"
    }

    @Test func aStoreOfFormat1IsRefusedAtOpenNamingMigrate() throws {
        let folder = try Self.format1Store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for options in [EventStore.Options(), EventStore.Options(readOnly: true)] {
            let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder, options: options) }
            #expect(error?.code == .olderFormat)
            #expect(error?.message == Self.refusalMessage(folder))
        }
    }

    /// A store stamped format 1 by the testing SPI is refused the same way.
    @Test func aStoreStampedFormat1IsRefused() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try EventStore.open(at: folder)
            try store.stampFormatVersion(1)
        }
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .olderFormat)
    }

    @Test func migrationOpensItReadOnlyWithItsFormat1Hashes() throws {
        let folder = try Self.format1Store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try EventStore.open(at: folder, options: .init(openingFormat1ForMigration: true))
        #expect(store.isReadOnly)
        let events = try store.events(from: 1, verifyingHashes: true)
        #expect(events.count == 6)
        #expect(events.allSatisfy { $0.streamPreviousHash == nil })
        let report = try store.verify()
        #expect(report.isValid, "\(report.problem ?? "")")
        #expect(report.headHash == events.last?.hash)
        let error = #expect(throws: EventStoreError.self) { try store.append([paymentEvent("+98911", amount: 9)]) }
        #expect(error?.code == .notWritable)
    }

    /// A store of format 2 opened for migration reads as usual (its events keep their links).
    @Test func aStoreOfFormat2OpenedForMigrationReadsAsItIs() throws {
        let fixture = try StoreFixture(.lmdb)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        let folder = try #require(fixture.folder)
        let store = try EventStore.open(at: folder, options: .init(openingFormat1ForMigration: true))
        #expect(try store.events(from: 1).first?.streamPreviousHash == .zero)
    }
}
