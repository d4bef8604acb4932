import Foundation
import SubledgerStore

/// The proof part's results: its rows and details.
struct ProofResults {
    var eventCount: Int
    var rows: [ScaleRow] = []
    var details: [String] = []
}

extension BenchmarkRun {
    /// Issue 10, item 3: the proof of one event on a store of `--proof-events` events (goal
    /// ≤ 1 ms; the median of `--proof-calls` whole `EventStore.inclusionProof` calls at
    /// seeded random positions, each checked against the root), and the cost of recording a
    /// checkpoint at the head (`EventStore.recordCheckpoint`: its root, the signature, one
    /// write transaction with its fsync).
    mutating func runProof() throws {
        let count = options.proofEvents
        let folder = try TemporaryFolder(prefix: "proof")
        defer { folder.remove() }
        let storePath = folder.appending("store")
        Self.progress("proof: appending \(ReportTable.grouped(count)) events")
        var building = Stopwatch()
        _ = try building.measure { try Self.appendFollowedEvents(count, to: storePath) }
        Self.progress(String(format: "proof: store built in %.1f s", building.seconds))

        let store = try EventStore.open(at: storePath)
        let keyFile = try StoreKeyFile.openOrCreate(
            at: folder.appending("store.keys"), storeID: try store.storeID(), storePath: storePath)
        var checkpointing = Stopwatch()
        let checkpoint = try checkpointing.measure { try store.recordCheckpoint(signingKey: keyFile.signingKey) }
        guard checkpoint.size == UInt64(count) else {
            throw BenchmarkError("the checkpoint is of size \(checkpoint.size), not \(count)")
        }

        var generator = SplitMix64(seed: 0x9E0F)
        var seconds: [Double] = []
        var pathLength = 0
        for _ in 0..<options.proofCalls {
            let position = UInt64.random(in: 1...UInt64(count), using: &generator)
            var call = Stopwatch()
            let proof = try call.measure { try store.inclusionProof(position: position) }
            seconds.append(call.seconds)
            guard proof.rootHash == checkpoint.rootHash else {
                throw BenchmarkError("the proof of \(position) has another root")
            }
            pathLength = max(pathLength, proof.path.count)
        }
        seconds.sort()
        let median = seconds[seconds.count / 2]
        let p99 = seconds[min(seconds.count - 1, seconds.count * 99 / 100)]
        // One proof verified, so the figures are of proofs that hold.
        let last = try store.events(from: UInt64(count), limit: 1)[0]
        try store.inclusionProof(position: UInt64(count)).verify(eventHash: last.hash)

        let dataBytes = TemporaryFolder.fileSize(storePath + "/data.mdb")
        var rows: [ScaleRow] = []
        rows.append(
            ScaleRow(
                figure:
                    "Inclusion proof of one event (`EventStore.inclusionProof`), median of \(ReportTable.grouped(options.proofCalls)) random positions",
                value: median * 1000, measured: String(format: "%.3f ms", median * 1000), goal: .atMost(1),
                goalText: "≤ 1 ms",
                comparator: "\(ReportTable.grouped(count)) events; paths of up to \(pathLength) hashes",
                notes: String(
                    format: "whole call, its read transaction included; p99 %.3f ms, slowest %.3f ms", p99 * 1000,
                    seconds.last! * 1000)))
        rows.append(
            ScaleRow(
                figure: "Recording a checkpoint at the head (`EventStore.recordCheckpoint`)",
                value: checkpointing.seconds * 1000, measured: String(format: "%.2f ms", checkpointing.seconds * 1000),
                goal: .report, goalText: "report",
                comparator: "\(ReportTable.grouped(count)) events",
                notes: "the root from the stored nodes, the Ed25519 signature, one write transaction and its fsync"))
        let details = [
            String(
                format:
                    "- Proof: the store of %@ events (the follow part's `UsageRecorded` events, batches of 10,000, the Merkle nodes written by each append) built in %.1f s; data.mdb %@ B (%@).",
                ReportTable.grouped(count), building.seconds, ReportTable.grouped(dataBytes),
                Self.perEvent(dataBytes, count))
        ]
        proof = ProofResults(eventCount: count, rows: rows, details: details)
    }
}
