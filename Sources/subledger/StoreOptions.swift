import ArgumentParser
import Foundation
import SubledgerStore

/// `--db PATH` or `SUBLEDGER_DB`: the store's folder.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store's folder (default: $SUBLEDGER_DB).")
    var db: String?

    /// The folder named by `--db` or `SUBLEDGER_DB`.
    func storePath() throws -> String {
        if let db { return db }
        if let environment = ProcessInfo.processInfo.environment["SUBLEDGER_DB"], !environment.isEmpty { return environment }
        throw ValidationError("name the store with --db PATH or the environment variable SUBLEDGER_DB")
    }

    func openStore() throws -> EventStore {
        let path = try storePath()
        do {
            return try EventStore.open(at: path)
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
    }
}

/// A failure reported on stderr with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
