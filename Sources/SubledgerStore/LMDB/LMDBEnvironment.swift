internal import CLMDB
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One LMDB environment: a folder with `data.mdb` and `lock.mdb`, opened once per process.
///
/// Transactions are scoped by closures: none outlives its closure, and the closures are
/// synchronous, so no transaction can span an `await`. Write transactions are retried
/// after the map is grown when LMDB reports `MDB_MAP_FULL`; the body must therefore be
/// safe to run again, as the event log's append is (it computes everything from what it
/// reads inside the transaction).
final class LMDBEnvironment: @unchecked Sendable {
    let pointer: OpaquePointer
    let path: String
    /// The handle of each table, indexed by its raw value; set once at open. `nil` for a
    /// table a read-only environment lacks (the projections of an older store): it reads
    /// as empty.
    private(set) var databases: [MDB_dbi?] = []
    /// How the environment was opened: read-only environments begin no write transaction.
    let access: Access
    /// Transactions hold it shared; a map resize holds it exclusive (LMDB requires that
    /// no transaction of this process is active while `mdb_env_set_mapsize` runs).
    private let resizeLock = ReadWriteLock()
    /// Serialises this process's writers, so that a writer waiting to resize never waits
    /// on another writer of ours blocked on LMDB's own write lock.
    private let writerLock = Lock()
    /// Where a map growth is reported (``StoreLogging``): the logger of the store opened
    /// last on this folder in this process (the environment is shared by them).
    private let loggerSlot = Mutex(StoreLogging.silent)
    var logger: Logger {
        get { loggerSlot.withLock { $0 } }
        set { loggerSlot.withLock { $0 = newValue } }
    }

    /// The largest map this store will grow to (64 TiB of address space).
    static let mapSizeLimitBytes = StoreLimits.lmdbMapBytes

    /// How an environment is opened.
    enum Access: Equatable {
        /// Read and write, with LMDB's lock file (created when missing).
        case readWrite
        /// `MDB_RDONLY`: nothing is written to `data.mdb`; readers register in the lock
        /// file, which must be writable, so that a writer elsewhere keeps their pages.
        case readOnly
        /// `MDB_RDONLY | MDB_NOLOCK`: not even the lock file is touched (or created); only
        /// safe when no process writes the store, which the opener has checked.
        case readOnlyWithoutLock
    }

    /// Opens the environment in the existing folder `path`; a read-write one creates
    /// `data.mdb` and `lock.mdb` when missing.
    init(path: String, initialMapSizeBytes: Int, access: Access = .readWrite) throws(LMDBError) {
        var environment: OpaquePointer?
        try LMDBError.check(mdb_env_create(&environment), "mdb_env_create")
        guard let environment else { throw LMDBError(code: EINVAL, function: "mdb_env_create") }
        pointer = environment
        self.path = path
        self.access = access
        // Once `pointer` is set, a throw below runs `deinit`, which closes the environment.
        try LMDBError.check(mdb_env_set_maxdbs(environment, MDB_dbi(Table.allCases.count + 2)), "mdb_env_set_maxdbs")
        try LMDBError.check(
            mdb_env_set_maxreaders(environment, UInt32(StoreLimits.lmdbReaders)), "mdb_env_set_maxreaders")
        try LMDBError.check(mdb_env_set_mapsize(environment, initialMapSizeBytes), "mdb_env_set_mapsize")
        // MDB_NOTLS: read transactions are not tied to a thread, as Swift tasks are not.
        // Default durability: none of LMDB's flags that skip or defer an fsync, no write map.
        let accessFlags: Int32 =
            switch access {
            case .readWrite: 0
            case .readOnly: MDB_RDONLY
            case .readOnlyWithoutLock: MDB_RDONLY | MDB_NOLOCK
            }
        try LMDBError.check(mdb_env_open(environment, path, UInt32(MDB_NOTLS | accessFlags), 0o600), "mdb_env_open")
        // Clearing the slots of dead readers writes the lock file: a writer's business.
        guard access == .readWrite else { return }
        var staleReaders: Int32 = 0
        try LMDBError.check(mdb_reader_check(environment, &staleReaders), "mdb_reader_check")
    }

    deinit {
        mdb_env_close(pointer)
    }

    /// Opens the named databases in one write transaction. When the environment is brand
    /// new (its main database holds no key, judged inside that transaction) it creates them
    /// and runs `initialise` with them open, in the same transaction. Returns false when an
    /// existing environment lacks one of them.
    func openDatabases(initialisingNew initialise: (LMDBTransaction) throws -> Void) throws -> Bool {
        try write { transaction -> Bool in
            var statistics = MDB_stat()
            try LMDBError.check(mdb_stat(transaction.pointer, 0, &statistics), "mdb_stat")
            let isNew = statistics.ms_entries == 0
            var opened = [MDB_dbi?](repeating: nil, count: Table.allCases.count)
            for table in Table.allCases {
                var handle: MDB_dbi = 0
                // Tables added by a later version (the projections) are created in an older store.
                let create = isNew || table.isAddedToExistingStores
                let code = mdb_dbi_open(transaction.pointer, table.name, UInt32(create ? MDB_CREATE : 0), &handle)
                if code == MDB_NOTFOUND { return false }
                try LMDBError.check(code, "mdb_dbi_open")
                opened[table.rawValue] = handle
            }
            databases = opened
            if isNew { try initialise(transaction) }
            return true
        }
    }

    /// Opens the tables of an existing store in a read transaction, creating none, and
    /// commits it so that the handles outlive it. A table added by a later version and
    /// missing here reads as empty. Returns false when another table is missing.
    func openDatabasesReadOnly() throws -> Bool {
        try resizeLock.withSharedLock { () throws -> Bool in
            let transaction = try begin(readOnly: true)
            var opened = [MDB_dbi?](repeating: nil, count: Table.allCases.count)
            for table in Table.allCases {
                var handle: MDB_dbi = 0
                let code = mdb_dbi_open(transaction.pointer, table.name, 0, &handle)
                if code == MDB_NOTFOUND, table.isAddedToExistingStores { continue }
                if code == MDB_NOTFOUND {
                    mdb_txn_abort(transaction.pointer)
                    return false
                }
                do { try LMDBError.check(code, "mdb_dbi_open") } catch {
                    mdb_txn_abort(transaction.pointer)
                    throw error
                }
                opened[table.rawValue] = handle
            }
            // A read transaction's handles survive only when it is committed.
            try LMDBError.check(mdb_txn_commit(transaction.pointer), "mdb_txn_commit")
            databases = opened
            return true
        }
    }

    /// Runs `body` in a read-only transaction; keep it short.
    func read<R>(_ body: (LMDBTransaction) throws -> R) throws -> R {
        while true {
            let outcome = try resizeLock.withSharedLock { () throws -> WriteOutcome<R> in
                let transaction: LMDBTransaction
                do {
                    transaction = try begin(readOnly: true)
                } catch let error as LMDBError where error.code == MDB_MAP_RESIZED {
                    return .mapResized
                }
                defer { mdb_txn_abort(transaction.pointer) }
                return .finished(try body(transaction))
            }
            guard case .finished(let result) = outcome else {
                try adoptResizedMap()
                continue
            }
            return result
        }
    }

    /// Runs `body` in a write transaction and commits it, growing the map and running
    /// `body` again when LMDB runs out of map. An error thrown by `body` aborts: nothing
    /// of the transaction is written.
    func write<R>(_ body: (LMDBTransaction) throws -> R) throws -> R {
        guard access == .readWrite else { throw ReadOnlyEnvironment() }
        return try writerLock.withLock { () throws -> R in
            while true {
                switch try attemptWrite(body) {
                case .finished(let result): return result
                case .mapFull: try growMap()
                case .mapResized: try adoptResizedMap()
                }
            }
        }
    }

    /// A write asked of an environment opened read-only; the store names itself.
    struct ReadOnlyEnvironment: Error {}

    private enum WriteOutcome<R> {
        case finished(R)
        case mapFull
        case mapResized
    }

    private func attemptWrite<R>(_ body: (LMDBTransaction) throws -> R) throws -> WriteOutcome<R> {
        try resizeLock.withSharedLock { () throws -> WriteOutcome<R> in
            let transaction: LMDBTransaction
            do {
                transaction = try begin(readOnly: false)
            } catch let error as LMDBError where error.code == MDB_MAP_RESIZED {
                return .mapResized
            }
            let result: R
            do {
                result = try body(transaction)
            } catch {
                mdb_txn_abort(transaction.pointer)
                if transaction.sawMapFull { return .mapFull }
                throw error
            }
            if transaction.sawMapFull {
                mdb_txn_abort(transaction.pointer)
                return .mapFull
            }
            let code = mdb_txn_commit(transaction.pointer)
            if code == MDB_MAP_FULL { return .mapFull }
            if (code == EIO || code == ENOSPC), diskIsFull() {
                throw LMDBError(code: ENOSPC, function: "mdb_txn_commit (the disk holding \(path) is full)")
            }
            try LMDBError.check(code, "mdb_txn_commit")
            return .finished(result)
        }
    }

    private func begin(readOnly: Bool) throws -> LMDBTransaction {
        var transaction: OpaquePointer?
        try LMDBError.check(
            mdb_txn_begin(pointer, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &transaction), "mdb_txn_begin")
        guard let transaction else { throw LMDBError(code: EINVAL, function: "mdb_txn_begin") }
        return LMDBTransaction(pointer: transaction, environment: self)
    }

    /// Doubles the map (at most by 4 GiB at a time), with no transaction of ours active.
    private func growMap() throws {
        try resizeLock.withExclusiveLock { () throws in
            var info = MDB_envinfo()
            try LMDBError.check(mdb_env_info(pointer, &info), "mdb_env_info")
            let current = info.me_mapsize
            let grown = current + min(current, 4 << 30)
            guard grown <= LMDBEnvironment.mapSizeLimitBytes else {
                throw LMDBError(
                    code: MDB_MAP_FULL, function: "grow map beyond \(LMDBEnvironment.mapSizeLimitBytes) bytes")
            }
            try LMDBError.check(mdb_env_set_mapsize(pointer, grown), "mdb_env_set_mapsize")
            logger.notice(
                "the LMDB map of \(path) grew from \(current) to \(grown) bytes",
                metadata: [StoreLogging.eventKey: "store.mapGrowth", "fromBytes": "\(current)", "toBytes": "\(grown)"])
        }
    }

    /// Adopts the larger map another process set.
    private func adoptResizedMap() throws {
        try resizeLock.withExclusiveLock { () throws in
            try LMDBError.check(mdb_env_set_mapsize(pointer, 0), "mdb_env_set_mapsize")
        }
    }

    /// Whether the file system of the store has (almost) no room left: LMDB reports a
    /// short write on a full disk as `EIO`, which alone would not say why.
    func diskIsFull() -> Bool {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return false }
        return UInt64(status.f_bavail) * UInt64(status.f_frsize) < 1 << 20
    }

    /// The id of the last committed write transaction (`me_last_txnid`): each commit adds one.
    var lastCommittedTransactionID: Int {
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        return info.me_last_txnid
    }

    /// The current map size in bytes.
    var mapSizeBytes: Int {
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        return info.me_mapsize
    }
}
