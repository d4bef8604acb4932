import ArgumentParser
import SubledgerStore
import SubledgerVerify

/// `verify FILE --proof FILE` and `verify --checkpoint FILE` (interchange.md, "Checkpoints
/// and proofs"; issue 10, item 3).
extension VerifyCommand {
    /// Checks the proof file against the verified export's last event; a proof that does
    /// not verify makes the verdict bad, naming the field. Returns the verdict and the line
    /// to print after it on success.
    func checkingProof(_ path: String, of result: ExportVerification) throws -> (ExportVerification, String?) {
        guard result.ok else { return (result, nil) }  // the file's own first failure is the verdict
        var result = result
        let (pinned, text) = try pinnedKeyAndText(of: path, what: "proof")
        guard let last = result.lastPosition.flatMap({ UInt64($0.description) }),
            let hash = result.head.flatMap(ChainHash.init(hex:))
        else {
            result.fail(nil, line: nil, "proof \(path): the file has no last event to prove")
            return (result, nil)
        }
        do {
            return (result, try ProofFiles.checkProof(text, position: last, hash: hash, pinnedKey: pinned))
        } catch {
            result.fail(
                result.lastPosition, line: nil,
                "proof \(path)\(error.field.map { ", field \($0)" } ?? ""): \(error.message)")
            return (result, nil)
        }
    }

    /// The `--public-key` and the file's text; either bad is a usage error (exit status 2),
    /// as an unreadable FILE is.
    private func pinnedKeyAndText(of path: String, what: String) throws -> ([UInt8]?, String) {
        do {
            return (try ProofFiles.publicKey(publicKey), try ProofFiles.read(path, what: what))
        } catch {
            StandardError.print("Error: \(error.description)")
            throw ExitCode(2)
        }
    }

    /// `verify --checkpoint FILE`: the store verifies whole; the kept checkpoint is signed
    /// (by `--public-key` when given), of this store, its root is the store's tree of its
    /// size, and a consistency proof from it to the head verifies.
    func verifyKeptCheckpoint(_ path: String) throws {
        let (pinned, text) = try pinnedKeyAndText(of: path, what: "checkpoint")
        let eventStore = try store.openExistingStore(keepingProjections: false)
        var verdict = KeptCheckpointVerdict()
        do {
            let report = try eventStore.verify()
            verdict.headPosition = report.headPosition
            if !report.isValid {
                verdict.problem =
                    "the store does not verify: position \(report.firstBadPosition.map(String.init) ?? "?"): \(report.problem ?? "")"
            } else {
                try verdict.check(text, pinned: pinned, store: eventStore, head: report.headPosition)
            }
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        if json {
            JSONOutput.print(verdict.json)
        } else {
            print(verdict.text)
        }
        if verdict.problem != nil { throw ExitCode(1) }
    }
}

/// What `verify --checkpoint` found.
struct KeptCheckpointVerdict {
    var checkpoint: SignedCheckpoint?
    var headPosition: UInt64 = 0
    var headRoot: ChainHash?
    var consistencyHashes = 0
    var problem: String?

    mutating func check(_ text: String, pinned: [UInt8]?, store: EventStore, head: UInt64) throws {
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try SignedCheckpoint.parse(text)
            try checkpoint.verifySignature(pinnedPublicKey: pinned)
        } catch {
            problem = "the kept checkpoint\(error.field.map { ", field \($0)," } ?? ""): \(error.message)"
            return
        }
        self.checkpoint = checkpoint
        guard checkpoint.size <= head else {
            problem =
                "the kept checkpoint is of a tree of \(checkpoint.size) events, but the store holds \(head): its log was cut or rewritten"
            return
        }
        let root = try store.merkleRoot(size: checkpoint.size)
        guard root == checkpoint.rootHash else {
            problem =
                "the store's tree of \(checkpoint.size) events has the root \(root), not the kept checkpoint's \(checkpoint.rootHash): its log was rewritten since the checkpoint"
            return
        }
        let headRoot = try store.merkleRoot(size: head)
        self.headRoot = headRoot
        let proof = try store.consistencyProof(from: checkpoint.size, to: head)
        consistencyHashes = proof.path.count
        do { try proof.verify(fromRoot: checkpoint.rootHash, toRoot: headRoot) } catch {
            problem = "the head's tree of \(head) events does not extend the kept checkpoint: \(error.message)"
            return
        }
        let origin = SignedCheckpoint.origin(storeID: try store.storeID())
        guard checkpoint.origin == origin else {
            problem = "the kept checkpoint is of \(checkpoint.origin), not of this store (\(origin))"
            return
        }
    }

    var text: String {
        if let problem { return "bad: \(problem)" }
        guard let checkpoint, let headRoot else { return "bad: nothing was checked" }
        return
            "ok: the kept checkpoint of size \(checkpoint.size) (root \(checkpoint.rootHash)) is the store's tree of that size; "
            + "the head's tree of \(headPosition) events (root \(headRoot)) extends it (consistency proof of \(consistencyHashes) hashes)"
    }

    var json: JSONObject {
        [
            "ok": .bool(problem == nil), "checkpointSize": checkpoint.map { .integer(Int64($0.size)) } ?? .null,
            "rootHash": checkpoint.map { .string($0.rootHash.hex) } ?? .null,
            "headPosition": .integer(Int64(headPosition)),
            "headRoot": headRoot.map { .string($0.hex) } ?? .null, "problem": problem.map { .string($0) } ?? .null,
        ]
    }
}
