import Foundation
import NIOSSL
import PostgresNIO
import SubledgerStore

/// Where a store lives in PostgreSQL (issue 15): a server, a database, and the schema that
/// holds the store's tables, from a URL `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (or `postgresql://`), with `?schema=NAME` to keep several stores in one database
/// (`subledger` by default), and libpq's `sslmode` and `sslrootcert` for TLS
/// (``TLSMode``: `prefer` by default, as libpq's).
public struct PostgresStoreLocation: Sendable, CustomStringConvertible {
    /// Whether and how the connection is encrypted and the server's certificate checked:
    /// libpq's `sslmode`, with its meanings.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, its certificate not checked; else unencrypted.
        case prefer
        /// TLS or no connection; the certificate not checked, unless `sslrootcert` names
        /// the CA (then as `verify-ca`, as libpq does).
        case require
        /// TLS, the certificate's chain checked against `sslrootcert` (else the system's CAs).
        case verifyCA = "verify-ca"
        /// As `verify-ca`, and the certificate must name the host of the URL.
        case verifyFull = "verify-full"
    }

    /// The URL's query parameters a location knows.
    static let parameters = ["schema", "sslmode", "sslrootcert"]

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

    /// How the connection is encrypted (`sslmode`, `prefer` when the URL names none).
    public var tlsMode: TLSMode
    /// The PEM file of the certificate authorities trusted for the server's certificate
    /// (`sslrootcert`); `nil`: the system's.
    public var rootCertificates: String?

    /// The schema a URL without `?schema=` names.
    public static let defaultSchema = "subledger"

    /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`), not a folder.
    /// - Parameter text: What `--db` or `SUBLEDGER_DB` says.
    /// - Returns: `true` for a URL of either scheme.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a location from its URL.
    /// - Parameter url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`,
    ///   with `sslmode=MODE` and `sslrootcert=FILE` as libpq takes them.
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
        if let unknown = items.first(where: { !Self.parameters.contains($0.name) }) {
            throw Self.refusal(url, "its parameter \(unknown.name) is not known (only schema, sslmode and sslrootcert are)")
        }
        let modeText = items.first { $0.name == "sslmode" }?.value ?? TLSMode.prefer.rawValue
        guard let mode = TLSMode(rawValue: modeText) else {
            let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw Self.refusal(url, "its sslmode \(modeText) is not one of \(modes)")
        }
        let rootCertificates = items.first { $0.name == "sslrootcert" }?.value
        if let rootCertificates, !FileManager.default.isReadableFile(atPath: rootCertificates) {
            throw Self.refusal(url, "its sslrootcert \(rootCertificates) is not a readable file")
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
        tlsMode = mode
        self.rootCertificates = rootCertificates
    }

    /// The URL without its password, as messages name the store (its `sslmode` when not the default).
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)?schema=\(schema)"
            + (tlsMode == .prefer ? "" : "&sslmode=\(tlsMode.rawValue)")
    }

    /// What postgres-nio connects with.
    /// - Throws: ``EventStoreError/Code/notAStore`` when the `sslrootcert` file holds no
    ///   certificate TLS can use.
    func configuration() throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: try tls())
    }

    /// postgres-nio's TLS mode for ``tlsMode``: libpq's checks of the server's certificate.
    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        let mode = tlsMode == .require && rootCertificates != nil ? .verifyCA : tlsMode
        switch mode {
        case .disable: return .disable
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificates { configuration.trustRoots = .file(rootCertificates) }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            throw EventStoreError(
                .notAStore, "the TLS settings of \(self) cannot be used (sslrootcert \(rootCertificates ?? "-")): \(error)")
        }
        return mode == .prefer ? .prefer(context) : .require(context)
    }

    static func isSchemaName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.utf8.count <= 63 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func refusal(_ url: String, _ why: String) -> EventStoreError {
        EventStoreError(.notAStore, "the PostgreSQL URL \(masked(url)) cannot be used: \(why)")
    }

    /// `url` as a message may show it: its password, if any, replaced by `***`, the rest as
    /// written (a URL that does not parse is shown too).
    /// - Parameter url: A PostgreSQL URL as given.
    /// - Returns: The URL without its password.
    public static func masked(_ url: String) -> String {
        url.replacing(/:[^:@\/]*@/, with: ":***@")
    }
}
