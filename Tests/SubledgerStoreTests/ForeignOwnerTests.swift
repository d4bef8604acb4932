import Foundation
import Testing
import SubledgerStore

/// A store whose folder (or `data.mdb`) belongs to another user is refused for writing
/// unless the caller asks for it (`allowForeignOwner`), with a message that names the owner
/// and says that reading it is allowed, without naming an API flag the command line lacks
/// (issue 9, item 9); read-only, it opens. Shown as root, who can give a folder away (to
/// uid 65534, nobody).
@Suite("A store owned by another user")
struct ForeignOwnerTests {
    static let otherUser: uid_t = 65534

    /// A store in a new folder, created by this user; `nil` (and why, printed) when this
    /// process cannot give files away.
    static func storeToGiveAway() throws -> String? {
        guard getuid() == 0 else {
            print("foreign owner test skipped: only root can chown a folder to another user (uid \(getuid()))")
            return nil
        }
        let folder = temporaryFolder()
        try EventStore.open(at: folder).append([paymentEvent("+98911", amount: 1)])
        return folder
    }

    @Test func aFolderOwnedByAnotherUserIsRefusedUnlessAsked() throws {
        guard let folder = try Self.storeToGiveAway() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(chown(folder, Self.otherUser, Self.otherUser) == 0)
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .foreignOwner)
        #expect(error?.message.contains("owned by uid 65534") == true, "\(String(describing: error))")
        #expect(error?.message.contains("run as uid 65534 to write it") == true, "\(String(describing: error))")
        #expect(error?.message.contains("read-only") == true, "\(String(describing: error))")
        #expect(
            error?.message.contains("allowForeignOwner") == false,
            "names an API flag the CLI does not have: \(String(describing: error))")
        #expect(error?.message.contains(folder) == true)
        do {
            let reader = try EventStore.open(at: folder, options: .init(readOnly: true))
            #expect(try reader.verify().verifiedCount == 1)
        }
        let allowed = try EventStore.open(at: folder, options: .init(allowForeignOwner: true))
        #expect(try allowed.verify().verifiedCount == 1)
    }

    @Test func aDataFileOwnedByAnotherUserIsRefused() throws {
        guard let folder = try Self.storeToGiveAway() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(chown(folder + "/data.mdb", Self.otherUser, Self.otherUser) == 0)
        let error = #expect(throws: EventStoreError.self) { try EventStore.open(at: folder) }
        #expect(error?.code == .foreignOwner)
        #expect(error?.message.contains("data.mdb is owned by uid 65534") == true, "\(String(describing: error))")
        let reader = try EventStore.open(at: folder, options: .init(readOnly: true))
        #expect(try reader.head().position == 1)
    }

    @Test func aNewFolderAndItsFilesAreTheOwnersAlone() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EventStore.open(at: folder).append([paymentEvent("+98911", amount: 1)])
        let attributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect((attributes[.ownerAccountID] as? UInt) == UInt(geteuid()))
    }
}
