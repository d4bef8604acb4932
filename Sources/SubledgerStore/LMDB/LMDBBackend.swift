internal import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The LMDB backend: one environment per folder per process, shared by every store
/// opened on that folder in this process (LMDB forbids opening one environment twice).
final class LMDBBackend: StorageBackend, @unchecked Sendable {
    typealias Transaction = LMDBTransaction

    let environment: LMDBEnvironment

    /// The store format this code writes (``StoreFormat/current``); it reads format 1 only
    /// for `migrate`.
    static let formatVersion: UInt64 = StoreFormat.current.rawValue

    /// The format stamped in the store's `meta` table, read when the environment opened
    /// (before the backend is shared: never changes after).
    private(set) var format: StoreFormat = .current

    /// Stamps the store with `format` and reads it so from now on: only for tests that
    /// make a store of format 1 (a store never changes format; `migrate` makes a new one).
    func restamp(_ format: StoreFormat) throws {
        try write { transaction in
            try transaction.put(
                .meta, key: StoreKeys.formatKey, value: StoreKeys.position(format.rawValue), mode: .upsert)
        }
        self.format = format
    }

    private init(environment: LMDBEnvironment) {
        self.environment = environment
    }

    func read<R>(_ body: (LMDBTransaction) throws -> R) throws -> R {
        try environment.read(body)
    }

    func write<R>(_ body: (LMDBTransaction) throws -> R) throws -> R {
        do {
            return try environment.write(body)
        } catch is LMDBEnvironment.ReadOnlyEnvironment {
            throw EventStoreError(
                .notWritable,
                "the store \(environment.path) was opened read-only (EventStore.Options.readOnly): it records nothing")
        }
    }

    /// `flock` on `import.lock` in the store's folder (``ImportLock``).
    func takeImportLock() throws -> ImportLock? { try ImportLock.take(folder: environment.path) }

    /// The store's folder: an import keeps its index runs in `import-runs` there.
    var importRunFolder: String? { environment.path }

    private struct WeakBackend { weak var backend: LMDBBackend? }
    private static let registryLock = Lock()
    nonisolated(unsafe) private static var registry: [String: WeakBackend] = [:]

    /// Opens the store in folder `path`, creating folder and store when they do not exist;
    /// with `readOnly`, opens an existing store without writing or creating anything. A
    /// store of format 1 is refused (``EventStoreError/Code/olderFormat``) unless
    /// `acceptingFormat1` (read-only, for `migrate`).
    static func open(
        path: String, initialMapSizeBytes: Int, allowForeignOwner: Bool = false, readOnly: Bool = false,
        acceptingFormat1: Bool = false
    ) throws -> LMDBBackend {
        precondition(!acceptingFormat1 || readOnly, "a store of format 1 is only ever read")
        let backend = try openShared(
            path: path, initialMapSizeBytes: initialMapSizeBytes, allowForeignOwner: allowForeignOwner,
            readOnly: readOnly)
        // Checked at every open, not only the first: the environment is shared in the process.
        if backend.format == .one, !acceptingFormat1 {
            throw EventStoreError(
                .olderFormat,
                "\(path) is a store of format 1 (hashes without streamPrevHash, personal data in clear); this subledger writes format 2: "
                    + "run `subledger migrate \(path) NEW` to carry its events into a new store")
        }
        return backend
    }

    private static func openShared(path: String, initialMapSizeBytes: Int, allowForeignOwner: Bool, readOnly: Bool)
        throws -> LMDBBackend
    {
        if readOnly {
            try checkReadableStore(path)
        } else {
            try prepareFolder(path, allowForeignOwner: allowForeignOwner)
        }
        guard let resolved = realpath(path, nil) else {
            throw EventStoreError(
                .notWritable, "cannot resolve the store folder \(path): \(String(cString: strerror(errno)))")
        }
        let canonicalPath = String(cString: resolved)
        free(resolved)
        return try registryLock.withLock { () throws -> LMDBBackend in
            if let existing = registry[canonicalPath]?.backend {
                // A writable environment serves readers too; a read-only one cannot write.
                guard readOnly || existing.environment.access == .readWrite else {
                    throw EventStoreError(
                        .notWritable,
                        "the store \(path) is open read-only in this process: close it before opening it for writing")
                }
                return existing
            }
            // Decided under the registry lock: probing lock.mdb opens and closes it, and
            // closing a file drops every fcntl lock this process holds on it.
            let access: LMDBEnvironment.Access =
                readOnly ? try readOnlyAccess(canonicalPath, displayPath: path) : .readWrite
            let backend = try openEnvironment(
                path: canonicalPath, displayPath: path, initialMapSizeBytes: initialMapSizeBytes, access: access)
            registry[canonicalPath] = WeakBackend(backend: backend)
            return backend
        }
    }

    /// A read-only open needs a folder holding `data.mdb` it can read; it need not own the
    /// folder nor write it (an auditor's copy on read-only media, another user's folder).
    private static func checkReadableStore(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw EventStoreError(
                .notAStore, "cannot reach the store folder \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw EventStoreError(
                .notAStore, "\(path) is not a folder: a store is a folder holding data.mdb and lock.mdb")
        }
        guard access(path + "/data.mdb", F_OK) == 0 else {
            throw EventStoreError(.notAStore, "\(path) holds no data.mdb: there is no store to read there")
        }
        guard access(path + "/data.mdb", R_OK) == 0 else {
            throw EventStoreError(
                .storage, "\(path)/data.mdb cannot be read by this user: \(String(cString: strerror(errno)))")
        }
    }

    /// How a read-only open uses LMDB's lock file, `lock.mdb`:
    /// - writable: readers register in it as usual, so a writer elsewhere keeps the pages
    ///   they read;
    /// - absent: no lock at all (`MDB_NOLOCK`). Every process that opens the store creates
    ///   it, so no process has the store open, and none is created;
    /// - present but not writable (read-only media, another user's file): no lock when no
    ///   process holds a lock on it (`F_GETLK`); refused when one does, since a writer
    ///   could then reuse the pages being read.
    private static func readOnlyAccess(_ path: String, displayPath: String) throws -> LMDBEnvironment.Access {
        let lockPath = path + "/lock.mdb"
        if access(lockPath, W_OK) == 0 { return .readOnly }
        guard access(lockPath, F_OK) == 0 else {
            guard errno == ENOENT else {
                throw EventStoreError(
                    .storage, "cannot reach \(displayPath)/lock.mdb: \(String(cString: strerror(errno)))")
            }
            return .readOnlyWithoutLock
        }
        let descriptor = openForReading(lockPath)
        guard descriptor >= 0 else {
            throw EventStoreError(
                .storage,
                "cannot read \(displayPath)/lock.mdb to learn whether a process uses the store: \(String(cString: strerror(errno)))"
            )
        }
        defer { close(descriptor) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 0
        probe.l_len = 0
        guard fcntl(descriptor, F_GETLK, &probe) == 0 else {
            throw EventStoreError(
                .storage,
                "cannot learn whether a process uses the store \(displayPath): \(String(cString: strerror(errno)))")
        }
        guard probe.l_type == Int16(F_UNLCK) else {
            throw EventStoreError(
                .storage,
                "the store \(displayPath) is in use by process \(probe.l_pid) and this user cannot write its lock.mdb, "
                    + "so a read could not keep that process from reusing the pages it reads: read it once that process has ended, "
                    + "or read a copy")
        }
        return .readOnlyWithoutLock
    }

    private static func prepareFolder(_ path: String, allowForeignOwner: Bool) throws {
        var status = stat()
        if stat(path, &status) != 0 {
            guard errno == ENOENT else {
                throw EventStoreError(
                    .notWritable, "cannot reach the store folder \(path): \(String(cString: strerror(errno)))")
            }
            if mkdir(path, 0o700) == 0 { return }
            // Another process may have created it between our stat and our mkdir: then it
            // is checked like any existing folder.
            guard errno == EEXIST, stat(path, &status) == 0 else {
                throw EventStoreError(
                    .notWritable, "cannot create the store folder \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw EventStoreError(
                .notAStore, "\(path) is not a folder: a store is a folder holding data.mdb and lock.mdb")
        }
        try StoreOwnership.check(path, folder: status, allowForeignOwner: allowForeignOwner)
        guard access(path, W_OK | R_OK | X_OK) == 0 else {
            let why = errno == EROFS ? "is on a read-only file system" : "is not writable by this user"
            throw EventStoreError(
                .notWritable,
                "the store folder \(path) \(why): nothing can be recorded there (reading it writes nothing and works)")
        }
        let dataPath = path + "/data.mdb"
        if access(dataPath, F_OK) != 0, try folderHasOtherFiles(path) {
            throw EventStoreError(
                .notAStore,
                "\(path) holds other files and no data.mdb: not a subledger store (refusing to write into it)")
        }
    }

    private static func folderHasOtherFiles(_ path: String) throws -> Bool {
        guard let directory = opendir(path) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            // data.mdb may appear between the caller's check and this listing: another
            // process is creating the store, and opening it will check what it is.
            if name != ".", name != "..", name != "lock.mdb", name != "data.mdb" { return true }
        }
        return false
    }

    private static func openEnvironment(
        path: String, displayPath: String, initialMapSizeBytes: Int,
        access: LMDBEnvironment.Access
    ) throws -> LMDBBackend {
        let environment: LMDBEnvironment
        do {
            environment = try LMDBEnvironment(path: path, initialMapSizeBytes: initialMapSizeBytes, access: access)
        } catch {
            switch error.code {
            case MDB_INVALID, MDB_VERSION_MISMATCH:
                throw EventStoreError(
                    .notAStore, "\(displayPath)/data.mdb is not an LMDB file of a subledger store (\(error))")
            case EACCES, EROFS, EPERM:
                guard access == .readWrite else {
                    throw EventStoreError(.storage, "the store \(displayPath) cannot be opened for reading (\(error))")
                }
                throw EventStoreError(.notWritable, "the store \(displayPath) cannot be opened for writing (\(error))")
            case EAGAIN, EBUSY:
                throw EventStoreError(.storage, "the store \(displayPath) is locked by another process (\(error))")
            default:
                throw EventStoreError(.storage, "cannot open the store \(displayPath): \(error)")
            }
        }
        let backend = LMDBBackend(environment: environment)
        try backend.checkOrInitialise(displayPath: displayPath)
        return backend
    }

    /// A new environment gets the tables and the format stamp; an existing one must carry
    /// a stamp this code can read. A read-only one only opens its tables and checks.
    private func checkOrInitialise(displayPath: String) throws {
        // One write transaction judges "new", creates the tables and stamps the format, so
        // processes creating one store at the same moment agree on what they found.
        let found =
            environment.access == .readWrite
            ? try environment.openDatabases { transaction in
                try transaction.put(.meta, key: StoreKeys.kindKey, value: StoreKeys.kindValue, mode: .upsert)
                try transaction.put(
                    .meta, key: StoreKeys.formatKey, value: StoreKeys.position(Self.formatVersion), mode: .upsert)
            }
            : try environment.openDatabasesReadOnly()
        guard found else {
            throw EventStoreError(
                .notAStore, "\(displayPath) is an LMDB store but not a subledger store (it lacks the subledger tables)")
        }
        let (kind, format) = try environment.read { transaction -> ([UInt8]?, UInt64?) in
            let kind = try transaction.get(.meta, key: StoreKeys.kindKey).map { Array($0) }
            let format = try transaction.get(.meta, key: StoreKeys.formatKey).flatMap(ByteReader.bigEndian)
            return (kind, format)
        }
        guard kind == StoreKeys.kindValue, let format else {
            throw EventStoreError(
                .notAStore, "\(displayPath) is an LMDB store but not a subledger store (no format stamp)")
        }
        guard format <= Self.formatVersion else {
            throw EventStoreError(
                .newerFormat,
                "\(displayPath) was written by a newer subledger (store format \(format); this one reads format \(Self.formatVersion) and older): upgrade subledger to open it"
            )
        }
        guard let known = StoreFormat(rawValue: format) else {
            throw EventStoreError(
                .notAStore, "\(displayPath) is stamped with store format \(format), which no subledger ever wrote")
        }
        self.format = known
    }

    /// The size of the map now, in bytes.
    var mapSizeBytes: Int { environment.mapSizeBytes }
}

/// `open(2)` for reading; outside the backend, whose static `open` would shadow it.
private func openForReading(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}
