import Foundation
import SubledgerStore

/// The files `verify` checks with `--proof` and `--checkpoint` (interchange.md,
/// "Checkpoints and proofs"): read whole (each is a few kilobytes), parsed with errors that
/// name the field at fault.
enum ProofFiles {
    /// The largest proof or checkpoint file read: a checkpoint with a few note lines and a
    /// path of at most 64 hashes is far below it.
    static let maximumBytes = 1 << 20

    /// The file's text.
    /// - Throws: ``CommandFailure`` when it cannot be read (exit status 2 for `verify`).
    static func read(_ path: String, what: String) throws(CommandFailure) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read the \(what) file \(path)", file: path)
        }
        guard data.count <= maximumBytes else {
            throw CommandFailure(
                "the \(what) file \(path) is larger than \(maximumBytes) bytes: not a \(what) file", file: path)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A proof file of `export --proof`: `{"checkpoint": …, "inclusion": …}`.
    static func parseProof(_ text: String) throws(ProofError) -> (
        checkpoint: SignedCheckpoint, inclusion: InclusionProof
    ) {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw ProofError("the proof file is not JSON: \(error)") }
        guard let object = value.objectValue else { throw ProofError("the proof file is not a JSON object") }
        guard let checkpoint = object["checkpoint"] else {
            throw ProofError("checkpoint is missing", field: "checkpoint")
        }
        guard let inclusion = object["inclusion"] else { throw ProofError("inclusion is missing", field: "inclusion") }
        return (try SignedCheckpoint(json: checkpoint), try InclusionProof(json: inclusion))
    }

    /// The key given to `--public-key`: 32 bytes of standard base64.
    static func publicKey(_ text: String?) throws(CommandFailure) -> [UInt8]? {
        guard let text else { return nil }
        guard let bytes = Base64.decode(text), bytes.count == 32 else {
            throw CommandFailure(
                "--public-key needs the 32 bytes of an Ed25519 public key in standard base64, got '\(text.prefix(80))'",
                field: "public-key")
        }
        return bytes
    }

    /// Checks a proof file against the last event of a verified export: the checkpoint is
    /// signed (by the pinned key, when given), the inclusion proof is of its tree, and it
    /// proves the event at `position` with `hash`. Returns the line to print on success.
    static func checkProof(_ text: String, position: UInt64, hash: ChainHash, pinnedKey: [UInt8]?) throws(ProofError)
        -> String
    {
        let (checkpoint, inclusion) = try parseProof(text)
        try checkpoint.verifySignature(pinnedPublicKey: pinnedKey)
        guard inclusion.treeSize == checkpoint.size, inclusion.rootHash == checkpoint.rootHash else {
            throw ProofError(
                "the inclusion proof is of the tree of \(inclusion.treeSize) events with root \(inclusion.rootHash), not of the checkpoint's (size \(checkpoint.size), root \(checkpoint.rootHash))",
                field: "inclusion.rootHash")
        }
        guard inclusion.leafIndex == position - 1 else {
            throw ProofError(
                "the inclusion proof is of leafIndex \(inclusion.leafIndex), not of the file's last event at position \(position) (leafIndex \(position - 1))",
                field: "inclusion.leafIndex")
        }
        do { try inclusion.verify(eventHash: hash) } catch {
            throw ProofError(
                "the file's last event (position \(position), hash \(hash)): \(error.message)", field: "inclusion.path")
        }
        return
            "proof: ok: position \(position) is in the checkpoint of size \(checkpoint.size) (root \(checkpoint.rootHash)) of \(checkpoint.origin), signed by \(Base64.encode(checkpoint.publicKey))"
    }
}
