import ArgumentParser
import SubledgerStore

/// `subledger checkpoint`: signs and records a checkpoint of the log as it is
/// (interchange.md, "Checkpoints and proofs"; issue 10, item 3).
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract:
            "Sign and record a checkpoint of the log: its size and Merkle root, signed with the store's Ed25519 key.",
        discussion: """
            The checkpoint's note is a C2SP tlog-checkpoint body (origin subledger/<store id>, \
            the size, the RFC 9162 root hash in base64), signed with the signing key of the \
            store's key file (--key-file; created, mode 0600, beside the store when missing). \
            A checkpoint of the same size recorded already is printed again, not signed twice. \
            Keep the printed JSON: verify --checkpoint FILE later proves that the store's log \
            still extends it, and export --proof uses the latest one.
            """
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print one JSON document: {origin, size, rootHash, note, signature, publicKey}.")
    var json = false

    func run() throws {
        guard try store.storeExists() else {
            throw CommandFailure(
                "no store at \(try store.storePath()): import facts into it first, or name another folder with --db")
        }
        let eventStore = try store.openStore(keepingProjections: false)
        let keyFile = try store.keyFile(for: eventStore, creating: true)
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try eventStore.recordCheckpoint(signingKey: keyFile.signingKey)
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        if json {
            JSONOutput.print(checkpoint.json)
        } else {
            print(CheckpointText.lines(of: checkpoint))
        }
    }
}

/// A checkpoint as the text reports print it.
enum CheckpointText {
    static func lines(of checkpoint: SignedCheckpoint) -> String {
        """
        checkpoint of size \(checkpoint.size)
        origin     \(checkpoint.origin)
        rootHash   \(checkpoint.rootHash)
        signature  \(Base64.encode(checkpoint.signature))
        publicKey  \(Base64.encode(checkpoint.publicKey))
        """
    }
}

// Their failures with --json are one JSON object on standard error (interchange.md).
extension CheckpointCommand: JSONReportingCommand {}
extension ProveCommand: JSONReportingCommand {}
