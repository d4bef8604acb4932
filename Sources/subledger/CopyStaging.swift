import Foundation
import SubledgerPostgres
import SubledgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where `subledger copy` makes its copy before it is B (issue 15 item 4): a folder
/// `.B.subledger-copy` beside B's folder, or a schema `B_copying` beside B's schema. The
/// copy is moved into place (rename(2) of the folder, `ALTER SCHEMA ... RENAME`) only once
/// it is whole and proved, so a failure or a killed process never leaves a B.
///
/// A lock held for the whole copy (`flock` on the folder that holds B's folder; a session
/// advisory lock in PostgreSQL, named after B's schema) keeps two copies into one place
/// apart, and tells a staging area a killed copy left behind (the lock is free: it is
/// removed) from one a running copy is filling (the lock is taken: refused).
final class CopyStaging {
    let target: CopyEndpoint
    /// The staging area, as an endpoint the copy is written to.
    let staging: CopyEndpoint
    /// What the staging found and removed: a stale staging area of a killed copy.
    private(set) var removedStale: String?
    private var release: () -> Void = {}

    /// Takes the copy's lock, refuses a B that holds something, and removes a stale staging
    /// area; nothing of B is touched.
    init(target: CopyEndpoint, source: CopyEndpoint) throws {
        self.target = target
        staging = try Self.stagingArea(of: target)
        try refuseSameStore(source)
        switch (target, staging) {
        case (.folder(let path), .folder(let stagingPath)): try prepareFolder(path, staging: stagingPath)
        case (.postgres(let location), .postgres(let stagingLocation)):
            try preparePostgres(location, staging: stagingLocation)
        default: preconditionFailure("a staging area is of its target's engine")
        }
    }

    deinit { release() }

    private static func stagingArea(of target: CopyEndpoint) throws -> CopyEndpoint {
        switch target {
        case .folder(let path):
            let (parent, name) = FolderPaths.split(path)
            return .folder(parent + "/." + name + ".subledger-copy")
        case .postgres(let location):
            guard let staged = location.withSchema(location.schema + "_copying") else {
                throw CommandFailure(
                    "--to \(location): the schema name \(location.schema) is too long to stage the copy beside it in \(location.schema)_copying (at most 63 characters); name a shorter schema",
                    field: "to")
            }
            return .postgres(staged)
        }
    }

    /// A (the source) must not be B's staging area, which a stale copy's clean-up removes.
    private func refuseSameStore(_ source: CopyEndpoint) throws {
        let same: Bool
        switch (source, staging) {
        case (.folder(let a), .folder(let s)):
            same = FolderPaths.realPath(a) != nil && FolderPaths.realPath(a) == FolderPaths.realPath(s)
        case (.postgres(let a), .postgres(let s)):
            same = a.host == s.host && a.port == s.port && a.database == s.database && a.schema == s.schema
        default: same = false
        }
        if same {
            throw CommandFailure(
                "--from \(source.name) is the staging area of --to \(target.name): copy from another place; nothing was written",
                field: "from")
        }
    }

    /// Moves the proved copy into place: B from now on.
    func moveIntoPlace() throws {
        switch (staging, target) {
        case (.folder(let from), .folder(let to)):
            guard rename(from, to) == 0 else {
                let reason = String(cString: strerror(errno))
                throw CommandFailure("cannot move the copy \(from) to \(to): \(reason); no store was made at \(to)")
            }
            FolderPaths.syncFolder(holding: to)
        case (.postgres(let from), .postgres(let to)):
            do { try from.renameSchema(to: to.schema) } catch let error as EventStoreError {
                throw CommandFailure("\(error.message); no store was made at \(to)")
            }
        default: preconditionFailure("a staging area is of its target's engine")
        }
    }

    /// Removes the staging area (a failed copy): nothing of it is left.
    func discard() {
        switch staging {
        case .folder(let path): try? FileManager.default.removeItem(atPath: path)
        case .postgres(let location): try? location.dropSchemaIfExists()
        }
    }

    // MARK: A folder

    private func prepareFolder(_ path: String, staging stagingPath: String) throws {
        let parent = FolderPaths.split(stagingPath).parent
        let descriptor = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure(
                "--to \(path): the folder \(parent) that would hold it cannot be opened: \(String(cString: strerror(errno))); nothing was written",
                field: "to")
        }
        release = { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw CommandFailure(
                "--to \(path): another subledger copy is writing in \(parent) (it holds the folder's lock): let it finish, then run copy again; nothing was written",
                field: "to")
        }
        try refuseFolderHoldingSomething(path)
        if NewStoreStaging.isBeingBuilt(for: path) {
            throw CommandFailure(
                "--to \(path): an import is creating a store there (it holds the lock of \(NewStoreStaging.stagingPath(of: path))): let it finish; nothing was written",
                field: "to")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: stagingPath, isDirectory: &isFolder) else { return }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: stagingPath)) ?? []
        guard isFolder.boolValue, entries.allSatisfy(["data.mdb", "lock.mdb", "import.lock"].contains) else {
            throw CommandFailure(
                "--to \(path): \(stagingPath) is in the way of the copy's staging folder and is not one (it holds \(entries.count) entries of other names): move it away; nothing was written",
                field: "to")
        }
        do { try FileManager.default.removeItem(atPath: stagingPath) } catch {
            throw CommandFailure("cannot remove the stale staging folder \(stagingPath) of a copy that did not finish: \(error)")
        }
        removedStale = stagingPath
    }

    /// B must be missing or an empty folder.
    private func refuseFolderHoldingSomething(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw CommandFailure("--to \(path) is a file: name a new (or empty) folder for the copy; nothing was written", field: "to")
        }
        if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw CommandFailure(
                "--to \(path) already holds a store: copy makes a new one; name a new or empty folder; nothing was written",
                field: "to")
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: path)
        guard entries.isEmpty else {
            throw CommandFailure(
                "--to \(path) is a folder that is not empty (\(entries.count) entries): name a new or empty folder; nothing was written",
                field: "to")
        }
    }

    // MARK: A schema

    private func preparePostgres(_ location: PostgresStoreLocation, staging stagingLocation: PostgresStoreLocation)
        throws
    {
        do {
            guard let lock = try location.takeCopyLock() else {
                throw CommandFailure(
                    "--to \(location): another subledger copy into this schema is running (it holds the copy's lock): let it finish, then run copy again; nothing was written",
                    field: "to")
            }
            release = { lock.release() }
            if case .relations(let count) = try location.schemaContents() {
                throw CommandFailure(
                    "--to \(location): the schema \(location.schema) exists and holds \(count) relations (a store, or other tables): copy makes a new store; name a schema that does not exist or is empty; nothing was written",
                    field: "to")
            }
            guard try stagingLocation.schemaContents() != .missing else { return }
            try stagingLocation.dropSchemaIfExists()
            removedStale = stagingLocation.description
        } catch let error as EventStoreError {
            throw CommandFailure("--to \(location): \(error.message); nothing was written", field: "to")
        }
    }
}
