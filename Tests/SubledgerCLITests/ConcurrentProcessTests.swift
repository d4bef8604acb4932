import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// Four `subledger stress-append` processes append to the same three streams at once,
/// each batch expecting the versions its writer read (retrying on a conflict, which it
/// reports). Afterwards nothing is lost or doubled, every batch's events carry the
/// versions its writer expected plus one (a conflict that went unreported would show as a
/// batch written over a version its writer never saw), and positions and versions are
/// gap-free.
@Suite("Concurrent processes: expected versions lose and double nothing")
struct ConcurrentProcessTests {
    static let writers = 4
    static let batchesPerWriter = 40

    @Test func fourWritersOnSharedStreams() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_CONCURRENCY_SEED")
        let sandbox = try Sandbox()
        let started = Date()
        let children = try (1...Self.writers).map { writer in
            try StressChild(
                [
                    "--db", sandbox.store, "--seed", "\(seed)", "--writer", "p\(writer)", "--batches",
                    "\(Self.batchesPerWriter)",
                    "--streams", "3", "--largest-batch", "4", "--expect-versions", "--think-microseconds", "500",
                    "--initial-map-bytes", "65536",
                ],
                folder: sandbox.folder, name: "writer-\(writer)")
        }
        for child in children {
            child.process.waitUntilExit()
            #expect(child.process.terminationStatus == 0, "\(child.errors)")
        }
        let reports = children.map(\.report)
        let acknowledgements = reports.flatMap(\.acknowledgements)
        let conflicts = reports.flatMap(\.conflicts)
        for report in reports { #expect(report.unexpected.isEmpty, "\(report.unexpected)") }

        let contents = try StressStoreContents(folder: sandbox.store)
        #expect(contents.verification.isValid, "\(contents.verification.problem ?? "")")
        // Nothing lost, nothing doubled: exactly the acknowledged batches, each whole, once.
        #expect(acknowledgements.count == Self.writers * Self.batchesPerWriter)
        #expect(Set(acknowledgements.map(\.batch)) == Set(contents.batches.keys))
        #expect(contents.partialBatches.isEmpty, "\(contents.partialBatches)")
        #expect(contents.unmarked.isEmpty)
        let eventCount = acknowledgements.reduce(0) { $0 + $1.size }
        #expect(contents.eventCount == UInt64(eventCount))
        #expect(contents.head.position == UInt64(eventCount))
        // Gap-free versions, and each batch written exactly on the versions it expected.
        for (stream, versions) in contents.streamVersions {
            #expect(versions == Array(1...UInt64(versions.count)), "\(stream)")
        }
        for acknowledgement in acknowledgements {
            guard let batch = contents.batches[acknowledgement.batch] else { continue }
            #expect(
                batch.events.first?.position == acknowledgement.first
                    && batch.events.last?.position == acknowledgement.last)
            for (stream, expected) in acknowledgement.expectedVersions {
                let versions = batch.events.filter { $0.stream == stream }.map(\.version)
                #expect(
                    versions == Array((expected + 1)...(expected + UInt64(versions.count))),
                    "\(acknowledgement.batch) on \(stream): expected version \(expected), wrote \(versions)")
            }
        }
        // Every conflict was real: its stream had moved past what the writer read.
        for conflict in conflicts {
            let finalVersion = UInt64(contents.streamVersions[conflict.stream]?.count ?? 0)
            #expect(conflict.actual > conflict.expected && conflict.actual <= finalVersion, "\(conflict)")
        }
        #expect(!conflicts.isEmpty, "four writers on three streams met no conflict: the test did not contend")
        let seconds = Date().timeIntervalSince(started)
        print(
            "concurrency test: \(Self.writers) processes, \(acknowledgements.count) batches, \(eventCount) events on "
                + "\(contents.streamVersions.count) shared streams in \(String(format: "%.1f", seconds)) s (seed \(seed)); "
                + "\(conflicts.count) conflicts reported and retried; nothing lost, nothing doubled, positions 1...\(contents.head.position) "
                + "and versions gap-free")
    }
}
