import Foundation
import PostgresNIO
import SubledgerStore

/// Where a store lives in PostgreSQL (issue 15): a server, a database, and the schema that
/// holds the store's tables, from a URL `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (or `postgresql://`), with `?schema=NAME` to keep several stores in one database
/// (`subledger` by default).
///
/// The connection is not encrypted: the server is expected on loopback or a private link
/// (TLS is not offered yet).
public struct PostgresStoreLocation: Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port (5432 by default).
    public var port: Int
    /// The role to connect as.
    public var user: String
    /// The role's password, if the server asks for one.
    public var password: String?
    /// The database.
    public var database: String
    /// The schema holding the store's tables: lowercase letters, digits and `_`, at most 63.
    public var schema: String

    /// The schema a URL without `?schema=` names.
    public static let defaultSchema = "subledger"

    /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`), not a folder.
    /// - Parameter text: What `--db` or `SUBLEDGER_DB` says.
    /// - Returns: `true` for a URL of either scheme.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a location from its URL.
    /// - Parameter url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`.
    /// - Throws: ``EventStoreError/Code/notAStore`` naming what of the URL is wrong.
    public init(url: String) throws {
        guard Self.isURL(url), let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else {
            throw Self.refusal(url, "it is not postgres://USER@HOST[:PORT]/DATABASE")
        }
        guard let user = parts.user, !user.isEmpty else { throw Self.refusal(url, "it names no user (USER@HOST)") }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw Self.refusal(url, "it names no database (postgres://USER@HOST/DATABASE)")
        }
        let items = parts.queryItems ?? []
        if let unknown = items.first(where: { $0.name != "schema" }) {
            throw Self.refusal(url, "its parameter \(unknown.name) is not known (only schema=NAME is)")
        }
        let schema = items.first { $0.name == "schema" }?.value ?? Self.defaultSchema
        guard Self.isSchemaName(schema) else {
            throw Self.refusal(url, "its schema \(schema) is not 1 to 63 lowercase letters, digits and _, from a letter")
        }
        self.host = host
        port = parts.port ?? 5432
        self.user = user
        password = parts.password
        self.database = database
        self.schema = schema
    }

    /// The URL without its password, as messages name the store.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)?schema=\(schema)"
    }

    /// What postgres-nio connects with.
    var configuration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }

    static func isSchemaName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.utf8.count <= 63 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func refusal(_ url: String, _ why: String) -> EventStoreError {
        // The password never reaches a message.
        let shown = url.replacing(/:[^:@\/]*@/, with: ":***@")
        return EventStoreError(.notAStore, "the PostgreSQL URL \(shown) cannot be used: \(why)")
    }
}
