import Foundation
import Testing
@testable import subledger
import SubledgerStore

/// A recording command reads its key file once (stop 17's note: `openStore` opened it for
/// sealing, then `checkpoint` and the checkpoint after a large import opened it again).
@Suite("The key file is read once per command")
struct KeyFileReadOnceTests {
    @Test("after openStore, keyFile(for:) returns the store's opened file without reading the path again")
    func theOpenedKeyFileIsReused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "subledger-keyonce-\(UUID().uuidString)")
        let keyPath = folder.path + ".keys"
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(atPath: keyPath)
        }
        var options = StoreOptions()
        options.db = folder.path
        options.keyFileOption = keyPath
        let store = try options.openStore()
        let opened = try #require(store.keyFile)
        // The file is now unreadable as a key file: a second read would fail.
        try Data("not a key file".utf8).write(to: URL(fileURLWithPath: keyPath))
        let again = try options.keyFile(for: store, creating: true)
        #expect(again.path == opened.path)
        #expect(again.storeID == opened.storeID)
    }
}
