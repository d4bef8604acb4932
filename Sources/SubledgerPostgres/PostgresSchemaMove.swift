import Logging
import PostgresNIO
public import SubledgerStore

/// What `subledger copy` does to schemas (issue 15 item 4): a copy into PostgreSQL is made in
/// a staging schema beside the target and moved into place with `ALTER SCHEMA ... RENAME`
/// once it is whole and proved, so that a failure, or a killed process, never leaves a
/// half-copied store under the target's name.
extension PostgresStoreLocation {
    /// What a schema holds, as a copy's target or staging area sees it.
    public enum SchemaContents: Equatable, Sendable {
        /// There is no schema of that name.
        case missing
        /// The schema exists and holds no table, view or sequence.
        case empty
        /// The schema holds that many relations (tables, views, sequences, indexes).
        case relations(Int)
    }

    /// The same server and database, with the schema `name`.
    /// - Parameter name: The other schema (lowercase letters, digits and `_`, at most 63, from a letter).
    /// - Returns: The location, or `nil` when `name` is not such a name.
    public func withSchema(_ name: String) -> PostgresStoreLocation? {
        guard Self.isSchemaName(name) else { return nil }
        var location = self
        location.schema = name
        return location
    }

    /// What the schema holds now.
    /// - Returns: Whether it is missing, empty, or how many relations it holds.
    /// - Throws: ``EventStoreError/Code/storage`` when the server cannot be reached or refuses.
    public func schemaContents() throws -> SchemaContents {
        try onOneConnection("looking at the schema \(schema)") { link in
            var binds = PostgresBindings()
            binds.append(schema)
            let exists = try link.run(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM pg_namespace WHERE nspname = $1", binds: binds),
                "looking for the schema \(schema)")
            guard try exists.first?.decode(Int64.self) == 1 else { return .missing }
            let relations = try link.run(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1",
                    binds: binds),
                "counting the relations of the schema \(schema)")
            let count = Int(try relations.first?.decode(Int64.self) ?? 0)
            return count == 0 ? .empty : .relations(count)
        }
    }

    /// Drops the schema and everything in it, when it exists: only for a copy's own staging
    /// schema (`<target>_copying`), under the copy's lock (``takeCopyLock()``).
    /// - Throws: ``EventStoreError/Code/storage`` when the server refuses.
    public func dropSchemaIfExists() throws {
        try onOneConnection("dropping the schema \(schema)") { link in
            try link.run("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
        }
    }

    /// Renames this (staging) schema to `target`, in one transaction: an empty schema of that
    /// name is dropped first (a non-empty one makes the drop, and so the whole move, fail;
    /// nothing changes then).
    /// - Parameter target: The schema's new name.
    /// - Throws: ``EventStoreError/Code/storage`` when the server refuses; nothing changed then.
    public func renameSchema(to target: String) throws {
        precondition(Self.isSchemaName(target), "a target schema checked by PostgresStoreLocation")
        try onOneConnection("renaming the schema \(schema) to \(target)") { link in
            try link.run("BEGIN")
            do {
                try link.run("DROP SCHEMA IF EXISTS \"\(target)\" RESTRICT")
                try link.run("ALTER SCHEMA \"\(schema)\" RENAME TO \"\(target)\"")
                try link.run("COMMIT")
            } catch {
                _ = link.rollBack()
                throw error
            }
        }
    }

    /// Takes, without waiting, the session advisory lock of a copy into this schema, held on
    /// a connection of its own until released or the process dies (the server ends the
    /// session): a second copy into the same target finds it taken, and a copy that finds it
    /// free knows that a staging schema left behind is stale.
    /// - Returns: The lock, or `nil` when another session holds it (a copy is running).
    /// - Throws: ``EventStoreError/Code/storage`` when the server cannot be reached.
    public func takeCopyLock() throws -> CopyLock? {
        let link: PostgresLink
        do { link = try PostgresLink.connect(self, logger: StoreLogging.silent) } catch {
            throw EventStoreError.storage(error, while: "taking the copy lock of \(self)")
        }
        var binds = PostgresBindings()
        binds.append("subledger.copy.\(database).\(schema)")
        do {
            let taken = try link.run(
                PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(hashtext($1))", binds: binds),
                "taking the copy lock")
            guard try taken.first?.decode(Bool.self) == true else {
                link.close()
                return nil
            }
        } catch {
            link.close()
            throw EventStoreError.storage(error, while: "taking the copy lock of \(self)")
        }
        return CopyLock(releasing: { link.close() })
    }

    private func onOneConnection<R>(_ action: String, _ body: (PostgresLink) throws -> R) throws -> R {
        do {
            let link = try PostgresLink.connect(self, logger: StoreLogging.silent)
            defer { link.close() }
            return try body(link)
        } catch {
            throw EventStoreError.storage(error, while: action)
        }
    }
}

/// A lock held for the whole of a copy (``PostgresStoreLocation/takeCopyLock()``), released
/// by ``release()`` or when the process ends.
public final class CopyLock: Sendable {
    private let releasing: @Sendable () -> Void

    init(releasing: @escaping @Sendable () -> Void) {
        self.releasing = releasing
    }

    /// Releases the lock (closing its connection ends the session that holds it).
    public func release() {
        releasing()
    }
}
