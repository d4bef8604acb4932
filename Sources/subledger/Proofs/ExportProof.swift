import SubledgerStore

/// `export --proof FILE`: the latest recorded checkpoint and the inclusion proof of the
/// last exported event in its tree, `{"checkpoint": …, "inclusion": …}` (interchange.md),
/// so that the file's per-stream chain carries the proof back to its first event.
///
/// Export only reads: the checkpoint must have been recorded (`subledger checkpoint`)
/// and must cover the last exported event.
final class ExportProof {
    let path: String
    let store: EventStore
    let checkpoint: SignedCheckpoint
    /// The last exported event, as a stream export knows it.
    var lastEvent: (position: UInt64, hash: ChainHash)?
    /// The last exported line, as a whole-log export hands it (read only at the end).
    var lastLine: ArraySlice<UInt8>? {
        didSet { if lastLine != nil { lastEvent = nil } }
    }

    init(path: String, store: EventStore) throws {
        self.path = path
        self.store = store
        let latest: SignedCheckpoint?
        do { latest = try store.latestCheckpoint() } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        guard let latest else {
            throw CommandFailure(
                "export --proof needs a recorded checkpoint and the store has none: run subledger checkpoint first",
                field: "proof")
        }
        checkpoint = latest
    }

    /// Writes the proof file (it appears only once complete).
    func write() throws {
        let (position, hash) = try last()
        guard position <= checkpoint.size else {
            throw CommandFailure(
                "the last exported event, at position \(position), is after the latest checkpoint (size \(checkpoint.size)): run subledger checkpoint first",
                field: "proof")
        }
        let inclusion = try store.inclusionProof(position: position, treeSize: checkpoint.size)
        // The proof is checked before it is handed out: a store whose tree is damaged says so here.
        do { try inclusion.verify(eventHash: hash) } catch {
            throw CommandFailure(
                "the store's Merkle tree does not prove position \(position): \(error.message); run subledger verify",
                field: "proof")
        }
        guard inclusion.rootHash == checkpoint.rootHash else {
            throw CommandFailure(
                "the store's tree of \(checkpoint.size) events no longer has the latest checkpoint's root \(checkpoint.rootHash); run subledger verify",
                field: "proof")
        }
        let output = try BufferedOutput(path: path)
        try output.append { bytes in
            bytes += CanonicalJSON.encode(.object(["checkpoint": checkpoint.json, "inclusion": inclusion.json]))
            bytes.append(UInt8(ascii: "\n"))
        }
        try output.commit()
    }

    private func last() throws -> (position: UInt64, hash: ChainHash) {
        if let lastEvent { return lastEvent }
        guard let lastLine else {
            throw CommandFailure("no event was exported: export --proof has nothing to prove", field: "proof")
        }
        let value = try? lastLine.withUnsafeBytes { try JSONParser.parse(bytes: $0) }
        guard let object = value?.objectValue, let position = object["position"]?.integerValue, position > 0,
            let hash = object["hash"]?.stringValue.flatMap(ChainHash.init(hex:))
        else {
            throw CommandFailure("the last exported line has no position and hash to prove")
        }
        return (UInt64(position), hash)
    }
}
