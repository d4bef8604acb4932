import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// What only the LMDB store does: files, formats, permissions, map growth.
@Suite("LMDB store")
struct LMDBStoreTests {
    @Test func storeFilesAreReadableByTheirOwnerOnly() throws {
        let fixture = try StoreFixture(.lmdb)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        for name in ["data.mdb", "lock.mdb"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.folder! + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
        }
    }

    @Test func aFullMapGrowsAndLosesNothing() throws {
        let fixture = try StoreFixture(.lmdb, initialMapSizeBytes: 64 << 10)
        for batch in 0..<20 {
            try fixture.store.append((0..<200).map { paymentEvent("+9891\(($0 + batch) % 50)", amount: Int64($0 + 1)) })
        }
        #expect(try fixture.store.head().position == 4000)
        #expect(try fixture.store.verify().isValid)
    }

    @Test func aFolderWithOtherFilesIsNotAStore() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("hello".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .notAStore)
        #expect(error?.message.contains(folder) == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/data.mdb"))
    }

    @Test func aFileThatIsNotLMDBIsNotAStore() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(repeating: 0x42, count: 16384).write(to: URL(fileURLWithPath: folder + "/data.mdb"))
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .notAStore)
    }

    @Test func aPlainFileIsNotAStore() throws {
        let path = temporaryFolder()
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try EventStore.open(at: path) } throws: { ($0 as? EventStoreError)?.code == .notAStore }
    }

    @Test func anUnwritableFolderIsAClearError() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        if getuid() == 0 {
            // Root writes through any mode: make the folder a read-only file system instead.
            let mount = Process()
            mount.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            mount.arguments = ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", folder]
            try mount.run()
            mount.waitUntilExit()
            try #require(
                mount.terminationStatus == 0, "root could not mount a read-only tmpfs to make an unwritable folder")
        } else {
            chmod(folder, 0o500)
        }
        defer {
            if getuid() == 0 {
                _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["umount", folder])
                    .waitUntilExit()
            }
            chmod(folder, 0o700)
        }
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .notWritable, "\(String(describing: error))")
        #expect(error?.message.contains(folder) == true)
    }

    @Test func aMissingParentFolderIsAClearError() throws {
        let path = temporaryFolder() + "/no/such/parent"
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: path) }
        #expect(error?.code == .notWritable)
        #expect(error?.message.contains("no/such/parent") == true)
    }

    @Test func openingTheSameFolderTwiceSharesOneEnvironment() throws {
        let fixture = try StoreFixture(.lmdb)
        let second = try EventStore.open(at: fixture.folder!)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        try second.append([paymentEvent("+98911", amount: 2)], expecting: [.line("+98911"): .exactly(1)])
        #expect(try fixture.store.head().position == 2)
    }

    @Test func concurrentAppendersInOneProcessLoseNothing() async throws {
        let fixture = try StoreFixture(.lmdb, initialMapSizeBytes: 128 << 10)
        let store = fixture.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for round in 0..<50 {
                        try store.append([paymentEvent("+98920\(writer)", amount: Int64(round + 1))])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.head().position == 400)
        for writer in 0..<8 { #expect(try store.version(of: .line("+98920\(writer)")) == 50) }
        #expect(try store.verify().isValid)
    }
}

@Suite("LMDB store formats")
struct LMDBStoreFormatTests {
    @Test func aStoreOfANewerFormatIsRefusedWithAClearMessage() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try EventStore.open(at: folder)
            try store.append([paymentEvent("+98911", amount: 1)])
            try store.stampFormatVersion(99)
        }
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .newerFormat)
        #expect(error?.message.contains("format 99") == true)
    }
}
