#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension EventStoreError.Code {
    /// The store's folder (or its `data.mdb`) belongs to another user than the one this
    /// process runs as; it is opened for writing only when ``EventStore/Options/allowForeignOwner``
    /// is set. Reading it (``EventStore/Options/readOnly``) is not refused.
    public static let foreignOwner = EventStoreError.Code(rawValue: "foreignOwner")
}

/// The refusal to open another user's store: a process (often root) that opens a folder
/// someone else owns would write files there that its owner may not be able to read, or
/// read a ledger that is not its own, by a mistyped `--db`.
enum StoreOwnership {
    /// Throws ``EventStoreError/Code/foreignOwner`` when the folder `path` (whose `stat`
    /// is `folder`) or its `data.mdb` is owned by another user than the effective one.
    static func check(_ path: String, folder: stat, allowForeignOwner: Bool) throws {
        guard !allowForeignOwner else { return }
        let user = geteuid()
        var owner = folder.st_uid
        var what = "the store folder \(path)"
        var dataFile = stat()
        if owner == user, stat(path + "/data.mdb", &dataFile) == 0, dataFile.st_uid != user {
            owner = dataFile.st_uid
            what = "\(path)/data.mdb"
        }
        guard owner != user else { return }
        throw EventStoreError(
            .foreignOwner,
            "\(what) is owned by uid \(owner), not by this user (uid \(user)): refusing to write another user's store; "
                + "run as uid \(owner) to write it; reading it writes nothing there and is allowed (the reading commands, such as "
                + "status, verify and export, open a store read-only)")
    }
}
