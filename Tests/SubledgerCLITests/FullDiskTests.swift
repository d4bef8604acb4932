import Foundation
import SubledgerStore
import Testing

/// A full disk: a store on a 2 MB tmpfs is filled until a commit fails. The failure is a
/// clear error, nothing of the failed transaction is there, the store opens and verifies
/// as before, and it takes appends again once space is freed. Skipped, with the reason
/// printed, where a tmpfs cannot be mounted.
///
/// Known issue: LMDB turns a short write into `EIO`, so a full disk reads "Input/output
/// error" rather than "No space left on device"; the message should say the disk is full.
@Suite("A full disk")
struct FullDiskTests {
    static func smallDisk(_ sandbox: Sandbox) -> SmallDisk? {
        switch SmallDisk.mount(at: sandbox.folder + "/disk", size: "2m") {
        case .success(let disk): return disk
        case .failure(let unavailable):
            print("full disk test skipped: \(unavailable.reason)")
            return nil
        }
    }

    /// Checks that `message` says the disk is full (LMDB's `EIO` on a short write is named
    /// for what it is).
    static func expectSaysTheDiskIsFull(_ message: String, disk: SmallDisk) {
        #expect(message.contains("No space left on device") || message.contains("is full"), "\(message)")
        #expect(disk.freeBytes < 1 << 20, "the disk was not full: \(disk.freeBytes) bytes free")
    }

    static func batch(_ number: Int) -> [ProposedEvent] {
        (0..<10).map { index in
            ProposedEvent(
                type: "UsageRecorded", stream: StreamID(category: "line", id: "+9891200000\(index)"),
                occurredAt: Timestamp(millisecondsSinceEpoch: 1_735_689_600_000),
                data: [
                    "amount": .integer(Int64(number * 10 + index + 1)),
                    "description": .string(String(repeating: "d", count: 2000)),
                ])
        }
    }

    @Test func theLibraryReportsAFullDiskAndKeepsTheStoreIntact() throws {
        let sandbox = try Sandbox()
        guard let disk = Self.smallDisk(sandbox) else { return }
        defer { withExtendedLifetime(sandbox) { disk.unmount() } }
        let folder = disk.path + "/store"
        var store: EventStore? = try EventStore.open(at: folder, options: .init(initialMapSizeBytes: 256 << 10))
        var appended = 0
        var failure: EventStoreError?
        while failure == nil, appended < 10_000 {
            do {
                try store!.append(Self.batch(appended))
                appended += 1
            } catch let error as EventStoreError {
                failure = error
            }
        }
        let error = try #require(failure, "2 MB took \(appended) batches without filling up")
        #expect(error.code == .storage, "\(error)")
        Self.expectSaysTheDiskIsFull(error.message, disk: disk)
        let head = try store!.head()
        #expect(head.position == UInt64(appended * 10))
        #expect(try store!.verify().isValid)
        // Opened afresh, the store is the same; once space is freed it takes appends again.
        store = nil
        store = try EventStore.open(at: folder)
        #expect(try store!.head() == head)
        #expect(try store!.verify().verifiedCount == head.position)
        #expect(disk.resize(to: "8m"))
        try store!.append(Self.batch(appended))
        #expect(try store!.verify().verifiedCount == head.position + 10)
        print(
            "full disk (library): \(appended) batches filled 2 MB; the next failed with \"\(error.message)\"; "
                + "the store reopened intact at position \(head.position) and took appends again once the disk grew")
    }

    @Test func importOnAFullDiskFailsClearlyAndChangesNothing() throws {
        let sandbox = try Sandbox()
        guard let disk = Self.smallDisk(sandbox) else { return }
        defer { withExtendedLifetime(sandbox) { disk.unmount() } }
        let store = disk.path + "/store"
        #expect(
            try sandbox.run(
                SubledgerBinary.path, ["import", "--db", store, try sandbox.file("example.jsonl", WorkedExample.text)]
            ).status == 0)
        let before = try StoreState(store)
        let usage = (1...8000).map { number in
            #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-02-05T10:00:00Z","data":{"amount":\#(number),"description":"usage \#(number) of a long month of calls"}}"#
        }
        let big = try sandbox.file("big.jsonl", usage.joined(separator: "\n") + "\n")
        let refused = try sandbox.run(SubledgerBinary.path, ["import", "--db", store, big])
        #expect(refused.status != 0, "\(refused)")
        Self.expectSaysTheDiskIsFull(refused.stderr, disk: disk)
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused)")
        #expect(try StoreState(store) == before)
        print(
            "full disk (import): \(usage.count) facts on a 2 MB disk refused with \"\(refused.stderr.trimmingCharacters(in: .newlines))\"; "
                + "the store unchanged at position \(before.position)")
    }
}
