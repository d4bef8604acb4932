import ArgumentParser
import Foundation
import Logging
import SubledgerLedger
import SubledgerServer
import SubledgerStore

/// `subledger serve` (the `subledger` command execs this program with its arguments): the
/// ledger as an HTTP service, docs/openapi.yaml, until SIGTERM or SIGINT.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subledger serve",
        abstract: "Serve the ledger over HTTP (docs/openapi.yaml, docs/service.md) until SIGTERM.",
        discussion: """
            Every request needs an API key of --keys FILE (JSON Lines of {name, scopes, sha256}: \
            only the SHA-256 of each secret is kept; --add-key NAME --scopes read,record prints a new \
            secret and adds its line). Once listening, one JSON line {"listening": {"host", "port"}} \
            is printed on standard output; the log (swift-log, with metadata) goes to standard error. \
            SIGTERM drains the requests in flight, ends subscriptions and closes the store.
            """
    )

    @Option(name: .long, help: "The store's folder (default: $SUBLEDGER_DB); created when missing.")
    var store: String?
    @Option(name: .customLong("key-file"), help: "The store's key file (default: <store>.keys beside the folder).")
    var storeKeyFile: String?
    @Option(name: .long, help: "The API keys: JSON Lines of {name, scopes, sha256}.") var keys: String
    @Option(name: .long, help: "The address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "The port (0: any free one, printed).") var port = 8080
    @Option(name: .customLong("tls-cert"), help: "A PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(name: .customLong("max-body-bytes"), help: "The largest request body (bytes).")
    var maximumBodyBytes = ServiceLimits().maximumBodyBytes
    @Option(name: .customLong("max-connections"), help: "The most connections open at once.")
    var maximumConnections = ServiceLimits().maximumConnections
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"
    @Option(name: .customLong("add-key"), help: "Add a key of this name to --keys, print its secret, and exit.")
    var addKey: String?
    @Option(name: .long, help: "The new key's scopes, comma-separated: read, record, apply, erase, admin.")
    var scopes = "read"

    func validate() throws {
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard maximumBodyBytes >= 1_024, maximumConnections >= 1 else {
            throw ValidationError("--max-body-bytes must be at least 1024 and --max-connections at least 1")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is unknown") }
    }

    func run() async throws {
        if let addKey { return try KeyAdding.add(name: addKey, scopes: scopes, to: keys) }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "subledger.serve")
        let keyFile: APIKeyFile
        do { keyFile = try APIKeyFile.read(at: keys) } catch { throw ValidationError("--keys: \(error)") }
        let path = try storePath()
        var limits = ServiceLimits()
        limits.maximumBodyBytes = maximumBodyBytes
        limits.maximumConnections = maximumConnections
        var options = ListenOptions()
        options.host = host
        options.port = port
        if let tlsCertificate, let tlsKey { options.tls = (tlsCertificate, tlsKey) }
        try await serve(path, keys: keyFile, limits: limits, options: options, logger: logger)
        logger.info("store closed", metadata: ["store": .string(path)])
    }

    /// Opens the store, serves it until shutdown, and releases it (the last reference closes it).
    private func serve(
        _ path: String, keys: APIKeyFile, limits: ServiceLimits, options: ListenOptions, logger: Logger
    ) async throws {
        let ledger = try Ledger.open(at: path, keyFile: storeKeyFile, logger: logger)
        let service = LedgerService(ledger: ledger, keys: keys, limits: limits, storePath: path)
        logger.info("store opened", metadata: ["store": .string(path), "keys": .stringConvertible(keys.keys.count)])
        try await ServiceRunner.run(service, listening: options, logger: logger) { port in
            let line = "{\"listening\":{\"host\":\"\(options.host)\",\"port\":\(port)}}\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }

    private func storePath() throws -> String {
        if let store { return store }
        if let environment = ProcessInfo.processInfo.environment["SUBLEDGER_DB"], !environment.isEmpty {
            return environment
        }
        throw ValidationError("name the store with --store DIR or the environment variable SUBLEDGER_DB")
    }
}
