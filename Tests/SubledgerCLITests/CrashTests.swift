import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// The crash test: a `subledger stress-append` child appends marked batches in a loop and
/// reports each one once its commit has returned; it is killed with SIGKILL at random
/// moments, again and again on the same store. After every kill the store must open as
/// it is (there is no repair), its chain must verify, every batch it acknowledged must be
/// there, and no batch may be there in part.
///
/// The schedule (kill delays and the children's seeds) comes from one seed, printed;
/// `SUBLEDGER_CRASH_SEED=N swift test --filter CrashTests` replays it.
@Suite("Crashes: a writer killed at random moments loses nothing acknowledged")
struct CrashTests {
    static let kills = 100

    @Test func killedWritersLoseNoAcknowledgedEventAndLeaveNoHalfBatch() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_CRASH_SEED")
        print("crash test: seed \(seed) (replay with SUBLEDGER_CRASH_SEED=\(seed))")
        var random = SeededRandom(seed: seed)
        let sandbox = try Sandbox()
        var acknowledged: [StressOutput.Acknowledgement] = []
        var previousHead: (position: UInt64, hash: ChainHash)?
        var killedMidRun = 0
        var committedButUnacknowledged = 0
        let started = Date()

        for cycle in 1...Self.kills {
            let child = try StressChild(
                [
                    "--db", sandbox.store, "--seed", "\(random.next() >> 1)", "--writer", "k\(cycle)",
                    "--initial-map-bytes", "65536",
                ],
                folder: sandbox.folder, name: "child-\(cycle)")
            // One kill in eight lands while the child starts and opens the store; the others
            // up to 40 ms into its appends.
            if random.next() % 8 != 0 { child.waitUntilReady() }
            usleep(UInt32(random.next() % 40_000))
            let wasRunning = child.kill()
            #expect(wasRunning, "cycle \(cycle): the child died by itself: \(child.errors)")
            if wasRunning { killedMidRun += 1 }
            let report = child.report
            #expect(report.unexpected.isEmpty, "cycle \(cycle): \(report.unexpected)")
            acknowledged += report.acknowledgements
            guard FileManager.default.fileExists(atPath: sandbox.store + "/data.mdb") else { continue }

            let contents = try StressStoreContents(folder: sandbox.store)
            let context = "cycle \(cycle), seed \(seed)"
            #expect(contents.verification.isValid, "\(context): \(contents.verification.problem ?? "")")
            #expect(contents.verification.verifiedCount == contents.head.position, "\(context)")
            #expect(contents.eventCount == contents.head.position, "\(context)")
            #expect(contents.unmarked.isEmpty, "\(context): unmarked events at \(contents.unmarked)")
            #expect(contents.partialBatches.isEmpty, "\(context): batches in part: \(contents.partialBatches)")
            for acknowledgement in acknowledged {
                let batch = contents.batches[acknowledgement.batch]
                #expect(
                    batch?.isWhole == true && batch?.size == acknowledgement.size
                        && batch?.events.first?.position == acknowledgement.first
                        && batch?.events.last?.position == acknowledgement.last,
                    "\(context): acknowledged batch \(acknowledgement.batch) is missing or moved")
            }
            if let previousHead, previousHead.position > 0 {
                #expect(
                    try StressStoreContents.hash(at: previousHead.position, folder: sandbox.store) == previousHead.hash,
                    "\(context): the event at the previous head changed")
            }
            let acknowledgedNames = Set(report.acknowledgements.map(\.batch))
            committedButUnacknowledged +=
                contents.batches.keys.filter { $0.hasPrefix("k\(cycle)-") && !acknowledgedNames.contains($0) }.count
            previousHead = contents.head
        }

        let final = try StressStoreContents(folder: sandbox.store)
        #expect(final.batches.count == acknowledged.count + committedButUnacknowledged)
        let seconds = Date().timeIntervalSince(started)
        print(
            "crash test: \(killedMidRun) of \(Self.kills) SIGKILLs survived in \(String(format: "%.1f", seconds)) s (seed \(seed)): "
                + "\(acknowledged.count) batches acknowledged, all present and whole; "
                + "\(committedButUnacknowledged) committed but killed before their acknowledgement, whole; "
                + "\(final.eventCount) events, 0 half batches, chain verified after every kill")
    }
}
