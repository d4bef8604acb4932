import ArgumentParser
import Foundation
import SubledgerStore

/// `subledger copy --from A --to B`: copies a store between engines (LMDB, PostgreSQL) and
/// proves the copy the same ledger (issue 15 item 4).
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a store into a new store, LMDB or PostgreSQL, all or nothing, and prove it the same ledger.",
        discussion: """
            A and B are each a folder (LMDB) or postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME]. \
            A is opened read-only and never changed. B must not hold a store: a missing or empty \
            folder, a schema that does not exist or is empty; anything else is refused, naming B. \
            Every event is carried with its eventId, type, stream, occurredAt, recordedAt, data, \
            metadata, position, stream version and hash (B computes each hash again and must find \
            A's), with the store's id, the sealed subject keys and disclosures of personal data (an \
            erased subject stays erased) and the signed checkpoints, which stay valid for B; B \
            builds its own indexes, Merkle tree and stored projection. The copy is made beside B \
            (folder .B.subledger-copy; schema NAME_copying), verified whole (every hash, each \
            stream's chain, every checkpoint's signature) and compared with A (head position, head \
            hash, Merkle root, store id), then moved into place (rename; ALTER SCHEMA ... RENAME): a \
            failure or a killed copy leaves no B. A staging area a killed copy left is removed by \
            the next copy into B; one a running copy holds (its lock is taken) is refused. A's \
            head is read at the start: if A's head moves (or its master key is replaced) during the \
            copy, the copy is refused and nothing is made; run it again when nothing writes to A. \
            B's key file (--to-key-file, default <B>.keys beside a folder; required for PostgreSQL) \
            is written with A's keys, mode 0600; one already there is accepted only with the same \
            keys. Events are read and appended in chunks of 1,024: memory holds one chunk.
            """
    )

    @Option(name: .long, help: "The store to copy: a folder or a postgres:// URL.") var from: String
    @Option(name: .long, help: "The new store: a missing or empty folder, or a postgres:// URL of a new schema.")
    var to: String
    @Option(
        name: .customLong("key-file"),
        help: "A's key file (default: $SUBLEDGER_KEY_FILE, else <A>.keys beside A's folder; required for PostgreSQL).")
    var keyFile: String?
    @Option(
        name: .customLong("to-key-file"),
        help: "B's key file, written with A's keys (default: <B>.keys beside B's folder; required for PostgreSQL).")
    var toKeyFile: String?
    @Flag(
        name: .long,
        help:
            "Print one JSON document: {copied, headPosition, headHash, merkleRoot, storeId, subjectKeys, disclosures, checkpoints, keyFile, removedStaleStaging}."
    )
    var json = false

    func run() throws {
        let source = try CopyEndpoint(from, option: "from")
        let target = try CopyEndpoint(to, option: "to")
        let sourceKeys = try keyFilePath(keyFile ?? Self.environmentKeyFile, of: source, option: "key-file")
        let targetKeys = try keyFilePath(toKeyFile, of: target, option: "to-key-file")
        let report = try StoreCopy(
            source: source, target: target, sourceKeyFilePath: sourceKeys, targetKeyFilePath: targetKeys
        ).run()
        if let stale = report.removedStale {
            StandardError.print("removed \(stale), left by a copy into \(target.name) that did not finish")
        }
        if json {
            var document: JSONObject = [
                "copied": .integer(Int64(report.events)), "headPosition": .integer(Int64(report.events)),
                "headHash": .string(report.headHash.hex), "merkleRoot": .string(report.merkleRoot.hex),
                "storeId": .string(report.storeID), "subjectKeys": .integer(Int64(report.subjectKeys)),
                "disclosures": .integer(Int64(report.disclosures)), "checkpoints": .integer(Int64(report.checkpoints)),
                "keyFile": .string(targetKeys),
            ]
            document["removedStaleStaging"] = report.removedStale.map(JSONValue.string) ?? .null
            JSONOutput.print(document)
            return
        }
        print("copied \(report.events) event\(report.events == 1 ? "" : "s") from \(source.name) into \(target.name)")
        print("head position \(report.events)")
        print("head hash \(report.headHash)")
        print("merkle root \(report.merkleRoot)")
        print("store id \(report.storeID)")
        print(
            "carried \(report.subjectKeys) subject keys, \(report.disclosures) disclosures and \(report.checkpoints) checkpoints; the key file \(targetKeys) holds the keys of \(sourceKeys)"
        )
    }

    private static var environmentKeyFile: String? {
        ProcessInfo.processInfo.environment["SUBLEDGER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private func keyFilePath(_ given: String?, of endpoint: CopyEndpoint, option: String) throws -> String {
        if let given { return given }
        guard let path = endpoint.defaultKeyFile else {
            throw CommandFailure(
                "--\(option): \(endpoint.name) is in PostgreSQL, which has no folder to keep its key file beside: name it with --\(option) (outside the database, as the master key must be)",
                field: option)
        }
        return path
    }
}

// A failure with --json is one JSON object on standard error (interchange.md).
extension CopyCommand: JSONReportingCommand {}
