import Crypto
import Foundation
import Testing
import SubledgerStore

/// The store's id and its key file (issue 10, item 1 and 3: the master key and the
/// checkpoint signing key live outside the store's folder, mode 0600, bound to one store).
@Suite("The store's id and key file")
struct StoreKeyFileTests {
    @Test func theStoreIDIsAUUIDKeptAcrossReopeningAndDistinctPerStore() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try EventStore.open(at: folder).storeID()
        #expect(first.count == 36 && EventID(first) != nil)
        #expect(try EventStore.open(at: folder).storeID() == first)
        #expect(try EventStore.open(at: folder, options: .init(readOnly: true)).storeID() == first)
        #expect(try EventStore.inMemory().storeID() != EventStore.inMemory().storeID())
    }

    @Test func aNewKeyFileIsMode0600BesideTheStoreAndReadsBackTheSameKeys() throws {
        let parent = temporaryFolder()
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/ledger"
        let storeID = try EventStore.open(at: folder).storeID()
        let path = StoreKeyFile.defaultPath(forStoreAt: folder + "/")
        #expect(path == parent + "/ledger.keys")
        let created = try StoreKeyFile.openOrCreate(at: path, storeID: storeID, storePath: folder)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let reopened = try StoreKeyFile.openOrCreate(at: path, storeID: storeID, storePath: folder)
        #expect(reopened.generation == 1)
        #expect(reopened.publicKey.rawRepresentation == created.publicKey.rawRepresentation)
        #expect(reopened.masterKey == created.masterKey)
        let next = created.nextGeneration()
        #expect(next.generation == 2 && next.masterKey != created.masterKey)
        #expect(next.publicKey.rawRepresentation == created.publicKey.rawRepresentation)
    }

    @Test func aKeyFileReadableByOthersOfAnotherStoreOrInsideTheFolderIsRefused() throws {
        let parent = temporaryFolder()
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/ledger"
        let storeID = try EventStore.open(at: folder).storeID()
        let path = parent + "/ledger.keys"
        _ = try StoreKeyFile.openOrCreate(at: path, storeID: storeID, storePath: folder)

        let other = #expect(throws: StoreKeyFileError.self) { try StoreKeyFile.open(at: path, storeID: "another") }
        #expect(other?.message.contains("not of this store") == true)

        let inside = #expect(throws: StoreKeyFileError.self) {
            try StoreKeyFile.openOrCreate(at: folder + "/keys", storeID: storeID, storePath: folder)
        }
        #expect(inside?.message.contains("inside the store's folder") == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/keys"))

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let open = #expect(throws: StoreKeyFileError.self) { try StoreKeyFile.open(at: path, storeID: storeID) }
        #expect(open?.message.contains("chmod 600") == true)

        let missing = #expect(throws: StoreKeyFileError.self) {
            try StoreKeyFile.open(at: parent + "/none.keys", storeID: storeID)
        }
        #expect(missing?.message.contains("no key file") == true)
    }

    @Test func aDamagedKeyFileIsNamedWithoutShowingAKey() throws {
        let parent = temporaryFolder()
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let path = parent + "/damaged.keys"
        FileManager.default.createFile(
            atPath: path,
            contents: Data(
                #"{"format":"subledger-keys/1","storeId":"s","generation":1,"masterKey":"AAAA","signingKey":"x"}"#.utf8),
            attributes: [.posixPermissions: 0o600])
        let error = #expect(throws: StoreKeyFileError.self) { try StoreKeyFile.open(at: path, storeID: "s") }
        #expect(error?.message == "\(path) is not a subledger key file: masterKey is not 32 bytes of base64")
    }

    @Test func base64IsRFC4648AndRefusesNonCanonicalText() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        for bad in ["Zg=", "Zh==", "Z===", "Zg==Zg==", "Zm9v\n", "Zm-v"] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
        let bytes = (0..<256).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }
}
