import PostgresNIO

extension PostgresBackend {
    /// Whether the backend's connections are encrypted: what the server's `pg_stat_ssl` says
    /// of the session of a read transaction (``PostgresStoreLocation/TLSMode``: `prefer`
    /// falls back to an unencrypted connection when the server offers no TLS).
    /// - Returns: `true` when the session runs over TLS.
    /// - Throws: ``PostgresBackendError`` when the server cannot be reached.
    package func connectionIsEncrypted() throws -> Bool {
        try read { transaction in
            let rows = try transaction.link.run(
                PostgresQuery(unsafeSQL: "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
                "asking whether the connection is encrypted")
            return try rows.first?.decode(Bool.self) ?? false
        }
    }
}
