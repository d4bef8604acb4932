import PostgresNIO

/// What tests of the commit notifications (issue 15 item 3) ask of the server: the sessions
/// listening on a store's channel, found in `pg_stat_activity`, and ended as an operator or
/// a failover ends them.
extension PostgresBackend {
    /// The channel the store's commits are notified on (``PostgresSchema/notifyChannel``).
    package var notifyChannel: String { schema.notifyChannel }

    /// The sessions of the store's database whose last statement was `LISTEN` on the store's
    /// channel, counted (and, with `terminating`, ended with `pg_terminate_backend`) from a
    /// connection of their own.
    /// - Parameter terminating: Whether to end them.
    /// - Returns: How many there were.
    /// - Throws: ``PostgresBackendError`` when the server cannot be reached or refuses.
    package func listeningSessions(terminating: Bool) throws -> Int {
        let link = try PostgresLink.connect(location, logger: logger)
        defer { link.close() }
        var binds = PostgresBindings(capacity: 1)
        binds.append("LISTEN \"\(schema.notifyChannel)\"%")
        let action = terminating ? "pg_terminate_backend(pid)" : "true"
        let rows = try link.run(
            PostgresQuery(
                unsafeSQL: "SELECT \(action) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND pid <> pg_backend_pid() AND query LIKE $1",
                binds: binds),
            "finding the sessions listening on \(schema.notifyChannel)")
        var count = 0
        for _ in rows { count += 1 }
        return count
    }
}
