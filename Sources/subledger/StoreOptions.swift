import ArgumentParser
import Foundation
import SubledgerLedger
import SubledgerPostgres
import SubledgerStore

/// `--db PATH` or `SUBLEDGER_DB`: the store's folder (LMDB), or a PostgreSQL URL
/// `postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME]` (or `postgresql://`, issue 15 item 1).
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The store's folder, or postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME] (default: $SUBLEDGER_DB).")
    var db: String?

    @Option(
        name: .customLong("key-file"),
        help:
            "The store's key file: master and signing keys, kept outside the store's folder (default: $SUBLEDGER_KEY_FILE, else <store>.keys beside the folder)."
    )
    var keyFileOption: String?

    /// The key file named by `--key-file` or `SUBLEDGER_KEY_FILE`, else the default beside
    /// the store's folder (interchange.md, "Personal data").
    func keyFilePath() throws -> String {
        try Self.keyFilePath(given: keyFileOption, store: storePath)
    }

    /// The key file `given` (`--key-file`), else `SUBLEDGER_KEY_FILE`, else the default
    /// beside the folder of `store`; a store in PostgreSQL has no folder, so its key file
    /// must be named.
    static func keyFilePath(given: String?, store: () throws -> String) throws -> String {
        if let given { return given }
        if let environment = ProcessInfo.processInfo.environment["SUBLEDGER_KEY_FILE"], !environment.isEmpty {
            return environment
        }
        let path = try store()
        guard !PostgresStoreLocation.isURL(path) else {
            throw CommandFailure(
                "a store in PostgreSQL has no folder to keep its key file beside: name the key file with --key-file "
                    + "or SUBLEDGER_KEY_FILE (outside the database, as the master key must be)",
                field: "key-file")
        }
        return StoreKeyFile.defaultPath(forStoreAt: path)
    }

    /// The store's key file; with `creating`, made (mode 0600, new keys) when missing, for a
    /// command that records. A reading command never creates one.
    func keyFile(for store: EventStore, creating: Bool) throws -> StoreKeyFile {
        let path = try keyFilePath()
        // Read once per command: `openStore` opened it for sealing, and the store keeps it
        // (an erase's rotation replaces it there), so a checkpoint after an import signs with
        // the keys the import sealed with, without reading the file again.
        if let opened = store.keyFile, opened.path == path { return opened }
        do {
            // Through the store: a master key rotation a crash left half done is finished
            // or rolled back, and the store seals and opens personal data with the file.
            return try store.openKeyFile(at: path, creatingBesideStoreAt: creating ? try storePath() : nil)
        } catch let error as StoreKeyFileError {
            throw CommandFailure(error.message, field: "key-file")
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
    }

    /// `path` as messages and printed commands show it: a URL's password masked (`:***@`).
    static func shown(_ path: String) -> String {
        PostgresStoreLocation.isURL(path) ? PostgresStoreLocation.masked(path) : path
    }

    /// The folder named by `--db` or `SUBLEDGER_DB`.
    func storePath() throws -> String {
        if let db { return db }
        if let environment = ProcessInfo.processInfo.environment["SUBLEDGER_DB"], !environment.isEmpty {
            return environment
        }
        throw ValidationError("name the store with --db PATH or the environment variable SUBLEDGER_DB")
    }

    /// Whether the folder holds a store already (its `data.mdb`). A PostgreSQL URL counts as
    /// one: opening it read-only refuses a database without a store, naming it.
    func storeExists() throws -> Bool {
        let path = try storePath()
        return PostgresStoreLocation.isURL(path) || FileManager.default.fileExists(atPath: path + "/data.mdb")
    }

    /// Opens the store at `path`: a PostgreSQL URL in PostgreSQL, a folder in LMDB.
    /// - Parameters:
    ///   - path: A folder, or a `postgres://` URL.
    ///   - options: How to open it.
    /// - Returns: The open store.
    /// - Throws: ``CommandFailure`` with the store's message.
    static func open(_ path: String, options: EventStore.Options) throws -> EventStore {
        do {
            if PostgresStoreLocation.isURL(path) { return try EventStore.open(postgres: path, options: options) }
            return try EventStore.open(at: path, options: options)
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
    }

    /// Opens the store, creating it when the folder holds none.
    ///
    /// - Parameter initialMapSizeBytes: the LMDB map to start with (address space, not disk);
    ///   a writer that knows it will write much asks for more, so that its one transaction
    ///   does not start over each time the map has to grow.
    /// - Parameter keepingProjections: whether the store keeps the ledger's stored
    ///   projections (caught up, or rebuilt, at open). Commands that only read the log
    ///   (`verify`, `export`) open without them, so that they never write and a damaged
    ///   log is reported by them, not by a rebuild that trips on it.
    /// - Parameter sealing: whether the command may write personal data, which the key
    ///   file seals (RET-1): it is opened, or created beside the store, first.
    /// - Parameter folder: the folder to open the store in instead of the one named, with
    ///   the named store's key file: a new store built aside (``NewStoreStaging``).
    func openStore(
        initialMapSizeBytes: Int? = nil, keepingProjections: Bool = true, sealing: Bool = true,
        inFolder folder: String? = nil
    ) throws -> EventStore {
        let path = try folder ?? storePath()
        if folder == nil, !PostgresStoreLocation.isURL(path), NewStoreStaging.isBeingBuilt(for: path),
            try !storeExists()
        {
            throw CommandFailure(
                "\(path): an import is creating this store (it holds the lock of \(NewStoreStaging.stagingPath(of: path))): let it finish, then run this again; nothing was written"
            )
        }
        var options = EventStore.Options(projection: keepingProjections ? LedgerProjection() : nil)
        if let initialMapSizeBytes {
            options.initialMapSizeBytes = max(options.initialMapSizeBytes, initialMapSizeBytes)
        }
        let store = try Self.open(path, options: options)
        if sealing { _ = try keyFile(for: store, creating: true) }
        return store
    }

    /// The folder, which must hold a store already: a command that only reads (or rebuilds)
    /// never creates one.
    private func existingStorePath() throws -> String {
        let path = try storePath()
        guard try storeExists() else {
            throw CommandFailure("no store at \(path): import facts into it first, or name another folder with --db")
        }
        return path
    }

    /// Opens the existing store read-only, for a command that only reads: it creates
    /// nothing and writes nothing, so it also reads a copy on read-only media or a folder
    /// of another user (interchange.md).
    ///
    /// - Parameter keepingProjections: whether the ledger's stored projections are read
    ///   (they are never caught up here: what they lack is folded in memory). `verify`
    ///   and `export` read the log alone.
    func openExistingStore(keepingProjections: Bool = true) throws -> EventStore {
        let path = try existingStorePath()
        let options = EventStore.Options(projection: keepingProjections ? LedgerProjection() : nil, readOnly: true)
        return try Self.open(path, options: options)
    }

    /// The ledger over the existing store, opened read-only, with the built-in policy editions.
    func openLedger() throws -> Ledger {
        Ledger(store: try openExistingStore())
    }

    /// The ledger over the existing store, opened for writing (its stored projections
    /// caught up), for a command that writes to a store it did not create (`rebuild`).
    /// With `sealing`, the key file is opened too (``openStore(initialMapSizeBytes:keepingProjections:sealing:)``).
    /// - Parameter rewriting: whether the command rewrites much of the store in one
    ///   transaction (`rebuild`): the map then starts at twice the data file. LMDB opens a
    ///   map no larger than the file when asked for less, so the first page past the file
    ///   ends the transaction with `MDB_MAP_FULL`, and the store grows the map and runs the
    ///   whole transaction again (issue 13: a rebuild encoded and digested its records twice).
    func openWritableLedger(sealing: Bool = false, rewriting: Bool = false) throws -> Ledger {
        let path = try existingStorePath()
        var mapSize: Int?
        if rewriting, !PostgresStoreLocation.isURL(path) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")
            mapSize = min((attributes?[.size] as? Int) ?? 0, 1 << 40) * 2
        }
        return Ledger(store: try openStore(initialMapSizeBytes: mapSize, sealing: sealing))
    }
}
