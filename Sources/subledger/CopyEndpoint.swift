import Foundation
import SubledgerLedger
import SubledgerPostgres
import SubledgerStore

/// One end of `subledger copy --from A --to B`: a folder (LMDB) or a PostgreSQL URL.
enum CopyEndpoint {
    /// A store's folder, without trailing slashes.
    case folder(String)
    /// A schema of a PostgreSQL database.
    case postgres(PostgresStoreLocation)

    /// Reads `text`, as `--db` reads it.
    /// - Parameters:
    ///   - text: A folder or a `postgres://` URL.
    ///   - option: The option that gave it (`from`, `to`), for the message.
    init(_ text: String, option: String) throws {
        if PostgresStoreLocation.isURL(text) {
            do {
                self = .postgres(try PostgresStoreLocation(url: text))
            } catch let error as EventStoreError {
                throw CommandFailure("--\(option): \(error.message)", field: option)
            }
            return
        }
        guard !text.isEmpty else { throw CommandFailure("--\(option) names no folder", field: option) }
        var folder = text
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        self = .folder(folder)
    }

    /// How messages name it (a URL without its password).
    var name: String {
        switch self {
        case .folder(let path): path
        case .postgres(let location): location.description
        }
    }

    /// The folder, or `nil` in PostgreSQL.
    var folder: String? {
        if case .folder(let path) = self { return path }
        return nil
    }

    /// The key file beside a folder (`<folder>.keys`); `nil` in PostgreSQL, which has no folder.
    var defaultKeyFile: String? {
        folder.map(StoreKeyFile.defaultPath(forStoreAt:))
    }

    /// Opens the store here with `options`.
    func open(_ options: EventStore.Options) throws -> EventStore {
        do {
            switch self {
            case .folder(let path): return try EventStore.open(at: path, options: options)
            case .postgres(let location): return try EventStore.open(postgres: location, options: options)
            }
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
    }

    /// Opens the existing store here read-only, without its stored projection: nothing is
    /// created or written (the copy's source, and the staged copy while it is proved).
    func openReadOnly() throws -> EventStore {
        if let folder, !FileManager.default.fileExists(atPath: folder + "/data.mdb") {
            throw CommandFailure("no store at \(folder): name the folder (or postgres:// URL) of the store to copy")
        }
        return try open(EventStore.Options(readOnly: true))
    }
}
