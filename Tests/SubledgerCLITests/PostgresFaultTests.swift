import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// Issue 15 item 5: concurrency and faults against a real PostgreSQL server, with
/// `subledger stress-append` processes (each with connections of its own) on one store:
/// eight writers on shared streams; a writer killed mid-transaction, again and again; the
/// server restarted under writers that retry. After each: the chain verifies, positions and
/// versions are gap-free, no event id is there twice, every acknowledged batch is there
/// whole and once, and no batch is there in part.
@Suite("PostgreSQL faults: concurrent processes, killed writers, a restarted server")
struct PostgresFaultTests {
    @Test func eightProcessesOnSharedStreamsLoseAndDoubleNothing() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_CONCURRENCY_SEED")
        let sandbox = try Sandbox()
        let store = try PostgresFaultStore()
        let writers = 8
        let batches = 15
        let children = try (1...writers).map { writer in
            try StressChild(
                [
                    "--db", store.url, "--seed", "\(seed)", "--writer", "p\(writer)", "--batches", "\(batches)",
                    "--streams", "3", "--largest-batch", "4", "--expect-versions", "--think-microseconds", "500",
                ],
                folder: sandbox.folder, name: "writer-\(writer)")
        }
        for child in children {
            #expect(child.waitForExit(within: 60), "a writer had not ended after 60 s: killed")
            #expect(child.process.terminationStatus == 0, "\(child.errors)")
        }
        let reports = children.map(\.report)
        for report in reports { #expect(report.unexpected.isEmpty, "\(report.unexpected)") }
        let acknowledgements = reports.flatMap(\.acknowledgements)
        #expect(acknowledgements.count == writers * batches, "seed \(seed)")
        let contents = try StressStoreContents(postgres: store.url)
        Self.expectExactly(acknowledgements, in: contents, context: "seed \(seed)")
        for acknowledgement in acknowledgements {
            guard let batch = contents.batches[acknowledgement.batch] else { continue }
            for (stream, expected) in acknowledgement.expectedVersions {
                let versions = batch.events.filter { $0.stream == stream }.map(\.version)
                #expect(
                    versions == Array((expected + 1)...(expected + UInt64(versions.count))),
                    "\(acknowledgement.batch) on \(stream): expected version \(expected), wrote \(versions)")
            }
        }
        #expect(!reports.flatMap(\.conflicts).isEmpty, "eight writers on three streams met no conflict")
        try Self.expectVerifies(store, sandbox: sandbox, head: contents.head.position)
    }

    @Test func aWriterKilledMidTransactionLeavesNoHalfBatchAndNoLock() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_CRASH_SEED")
        var random = SeededRandom(seed: seed)
        let sandbox = try Sandbox()
        let store = try PostgresFaultStore()
        var acknowledged: [StressOutput.Acknowledgement] = []
        for round in 1...6 {
            let child = try StressChild(
                ["--db", store.url, "--seed", "\(random.next() >> 1)", "--writer", "k\(round)"],
                folder: sandbox.folder, name: "child-\(round)")
            child.waitUntilReady()
            usleep(UInt32(20_000 + random.next() % 200_000))
            #expect(child.kill(), "round \(round): the child died by itself: \(child.errors)")
            let report = child.report
            #expect(report.unexpected.isEmpty, "round \(round): \(report.unexpected)")
            acknowledged += report.acknowledgements
            let contents = try StressStoreContents(postgres: store.url)
            let context = "round \(round), seed \(seed)"
            #expect(contents.verification.isValid, "\(context): \(contents.verification.problem ?? "")")
            #expect(contents.eventCount == contents.head.position, "\(context)")
            #expect(contents.partialBatches.isEmpty, "\(context): batches in part: \(contents.partialBatches)")
            #expect(contents.unmarked.isEmpty && contents.duplicateIDs.isEmpty, "\(context)")
            for acknowledgement in acknowledged {
                let batch = contents.batches[acknowledgement.batch]
                #expect(
                    batch?.isWhole == true && batch?.events.first?.position == acknowledgement.first,
                    "\(context): acknowledged batch \(acknowledgement.batch) is missing or moved")
            }
        }
        #expect(acknowledged.count > 0, "no writer acknowledged a batch before it was killed (seed \(seed))")
        // The killed sessions' transactions ended with them: the next writer is not blocked.
        let started = Date()
        let next = try StressChild(
            ["--db", store.url, "--seed", "1", "--writer", "after", "--batches", "5"], folder: sandbox.folder,
            name: "after")
        #expect(next.waitForExit(within: 60), "the writer after the kills had not ended after 60 s: killed")
        #expect(next.process.terminationStatus == 0 && next.report.acknowledgements.count == 5, "\(next.errors)")
        #expect(Date().timeIntervalSince(started) < 20, "the writer after the kills waited for a lock")
        let contents = try StressStoreContents(postgres: store.url)
        #expect(contents.partialBatches.isEmpty && contents.verification.isValid)
        try Self.expectVerifies(store, sandbox: sandbox, head: contents.head.position)
    }

    @Test func writersThatRetryLoseAndDoubleNothingWhenTheServerRestarts() throws {
        let cluster = try ThrowawayCluster()
        let sandbox = try Sandbox()
        let store = try PostgresFaultStore(serverURL: cluster.url)
        let writers = 3
        let batches = 60
        let children = try (1...writers).map { writer in
            try StressChild(
                [
                    "--db", store.url, "--seed", "7", "--writer", "r\(writer)", "--batches", "\(batches)",
                    "--streams", "3", "--largest-batch", "4", "--expect-versions", "--think-microseconds", "2000",
                    "--retry-connection-errors", "--retry-seconds", "60",
                ],
                folder: sandbox.folder, name: "writer-\(writer)")
        }
        // A restart that fails leaves no writer running after the test.
        defer { for child in children where child.process.isRunning { child.kill() } }
        // Restarted once the writers are well under way, and again later.
        for threshold in [writers * 10, writers * 30] {
            let deadline = Date().addingTimeInterval(30)
            while children.map({ $0.report.acknowledgements.count }).reduce(0, +) < threshold, Date() < deadline {
                usleep(5_000)
            }
            try cluster.restart()
        }
        for child in children {
            #expect(child.waitForExit(within: 60), "a writer had not ended after 60 s: killed")
            #expect(child.process.terminationStatus == 0, "\(child.errors)")
        }
        let reports = children.map(\.report)
        for report in reports { #expect(report.unexpected.isEmpty, "\(report.unexpected)") }
        let acknowledgements = reports.flatMap(\.acknowledgements)
        #expect(acknowledgements.count == writers * batches)
        #expect(!reports.flatMap(\.retries).isEmpty, "no writer met the restarts: the test did not test them")
        let contents = try StressStoreContents(postgres: store.url)
        Self.expectExactly(acknowledgements, in: contents, context: "after restarts")
        try Self.expectVerifies(store, sandbox: sandbox, head: contents.head.position)
    }

    /// The store holds exactly the acknowledged batches, each whole, once, where it was
    /// acknowledged; positions and versions gap-free; no event id twice.
    static func expectExactly(
        _ acknowledgements: [StressOutput.Acknowledgement], in contents: StressStoreContents, context: String
    ) {
        #expect(contents.verification.isValid, "\(context): \(contents.verification.problem ?? "")")
        #expect(Set(acknowledgements.map(\.batch)) == Set(contents.batches.keys), "\(context)")
        #expect(contents.partialBatches.isEmpty, "\(context): \(contents.partialBatches)")
        #expect(contents.unmarked.isEmpty, "\(context)")
        #expect(contents.duplicateIDs.isEmpty, "\(context): ids twice: \(contents.duplicateIDs)")
        let eventCount = acknowledgements.reduce(0) { $0 + $1.size }
        #expect(contents.eventCount == UInt64(eventCount), "\(context)")
        #expect(contents.head.position == UInt64(eventCount), "\(context)")
        for (stream, versions) in contents.streamVersions {
            #expect(versions == Array(1...UInt64(versions.count)), "\(context): \(stream)")
        }
        for acknowledgement in acknowledgements {
            let batch = contents.batches[acknowledgement.batch]
            #expect(
                batch?.events.first?.position == acknowledgement.first
                    && batch?.events.last?.position == acknowledgement.last,
                "\(context): \(acknowledgement.batch) is not where it was acknowledged")
        }
    }

    /// `subledger verify --db URL` passes, with the log's head at `head`.
    static func expectVerifies(_ store: PostgresFaultStore, sandbox: Sandbox, head: UInt64) throws {
        let verify = try sandbox.run(SubledgerBinary.path, ["verify", "--json", "--db", store.url])
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.contains(#""headPosition":\#(head)"#), "\(verify)")
    }
}
