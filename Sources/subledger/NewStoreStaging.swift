import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where `import` builds a new store before it is one (issue 13): a folder
/// `.NAME.subledger-import` beside the store's folder NAME, moved into place with rename(2)
/// once the import is committed. Until then there is no store at NAME: a reader finds none,
/// and bad input or a failure removes the staging folder, so nothing is left.
///
/// The staging folder is locked (`flock`) while an import fills it, so a second import into
/// the same new store is refused at once. A staging folder that a killed import left (its
/// lock is free) is taken up again: opening it for writing rolls its interrupted import back,
/// as for any store, and the key file made for it still opens it.
final class NewStoreStaging {
    /// The store's folder, as named.
    let target: String
    /// The staging folder.
    let path: String
    private let descriptor: Int32

    /// Makes (or takes up) the staging folder of `target` and locks it.
    /// - Throws: ``CommandFailure`` when it cannot be made or opened, when another import
    ///   holds it, or when something else is in its way; nothing is written then.
    init(target: String) throws {
        self.target = target
        path = Self.stagingPath(of: target)
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw CommandFailure(
                "cannot make the folder \(path) to build the new store \(target) in: \(String(cString: strerror(errno))); nothing was written"
            )
        }
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure(
                "\(path) is in the way of the new store \(target): it cannot be opened as a folder (\(String(cString: strerror(errno)))): move it away; nothing was written"
            )
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw CommandFailure(
                "\(target): another subledger import is creating this store (it holds the lock of \(path)): let it finish, then import again; nothing was written"
            )
        }
        // The folder locked must still be the staging folder: an import that held it may
        // have moved it into place between our open and our lock.
        var locked = stat()
        var current = stat()
        guard fstat(descriptor, &locked) == 0, stat(path, &current) == 0, locked.st_ino == current.st_ino,
            locked.st_dev == current.st_dev
        else {
            throw CommandFailure(
                "\(target): another subledger import created this store while this one started: import again (events already recorded are recognised by their eventId); nothing was written"
            )
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        // `import-runs`: the index runs of an import that was killed (``ImportIndexRuns``).
        guard entries.allSatisfy(["data.mdb", "lock.mdb", "import.lock", "import-runs"].contains) else {
            throw CommandFailure(
                "\(path) is in the way of the new store \(target) and is not a store being built (it holds \(entries.count) entries of other names): move it away; nothing was written"
            )
        }
    }

    // Also when `init` throws once `descriptor` is set: the object is whole then.
    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The staging folder of the store at `target`.
    static func stagingPath(of target: String) -> String {
        let (parent, name) = FolderPaths.split(target)
        return parent + "/." + name + ".subledger-import"
    }

    /// Whether anything (a folder, a file, a link, even a dangling one) is at `path`.
    static func somethingExists(at path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Whether an import is building the store at `target` now: its staging folder's lock
    /// is held. A command that would create the store refuses then (the import's rename
    /// would fail, and two stores would claim one folder).
    static func isBeingBuilt(for target: String) -> Bool {
        let descriptor = open(stagingPath(of: target), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    /// Whether the staging folder holds a store (a killed import's, or this one's).
    var holdsStore: Bool { FileManager.default.fileExists(atPath: path + "/data.mdb") }

    /// Moves the built store into place: the store at ``target`` from now on. Close every
    /// handle on it first.
    /// - Throws: ``CommandFailure`` when the rename fails; the store stays whole in ``path``.
    func moveIntoPlace() throws {
        guard rename(path, target) == 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure(
                "cannot move the new store \(path) to \(target): \(reason); the import is committed in \(path): with nothing at \(target), the next import moves it there"
            )
        }
        FolderPaths.syncFolder(holding: target)
    }

    /// Removes the staging folder: nothing of it is left.
    func discard() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
