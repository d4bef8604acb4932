import ArgumentParser
import SubledgerDemo
import SubledgerLedger
import SubledgerStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `subledger stress-append` (hidden): appends batches in a loop for the reliability tests
/// and reports each one on standard output once its commit has returned (``StressReport``).
///
/// The crash test kills it with SIGKILL at random moments and checks that every batch it
/// acknowledged is in the store, whole. The concurrency test runs four at once with
/// `--expect-versions` on shared streams: each batch expects the versions it read, and a
/// conflict is reported and the batch tried again on the new versions.
///
/// `--db` is a folder (LMDB) or a `postgres://` URL, opened as every command opens it
/// (``StoreOptions``). A batch's event ids are fixed (drawn from the seed and the writer's
/// name), so a batch tried again is recognised by the store as the same facts
/// (``EventStore/isRetry(_:of:)``). With `--retry-connection-errors`, a batch whose append
/// failed in the storage (on PostgreSQL: the connection lost or cut, the server restarting
/// or refusing connections while it starts) is reported (`retry`) and tried again, with the
/// same events and the same expected versions, until it is acknowledged or
/// `--retry-seconds` passed: the store connects again on the next write, and a commit whose
/// outcome was unknown (the connection lost during `COMMIT`) is then found recorded, every
/// event at its first position and nothing written twice, or absent and appended now. A
/// batch is reported `ack` only after an append of it returned.
struct StressAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress-append",
        abstract: "Append marked batches in a loop, reporting each acknowledged one (for the reliability tests).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The store's folder, or postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME].")
    var db: String
    @Option(name: .long, help: "The seed of the batches' sizes, streams and contents.") var seed: UInt64
    @Option(name: .long, help: "The writer's name, which prefixes its batches' names.") var writer = "w"
    @Option(name: .long, help: "How many batches to append (default: until killed).") var batches: Int?
    @Option(name: .long, help: "How many streams the batches are spread over.") var streams = 8
    @Option(name: .long, help: "The most events in one batch.") var largestBatch = 8
    @Flag(name: .long, help: "Expect each stream of a batch at the version read before it; retry on conflict.")
    var expectVersions = false
    @Option(name: .long, help: "Microseconds to wait between reading the versions and appending.")
    var thinkMicroseconds: UInt32 = 0
    @Option(name: .long, help: "The LMDB map to start with (small, so the map grows while appending).")
    var initialMapBytes = 64 << 10
    @Flag(name: .long, help: "Try a batch again when the storage failed (a lost connection, a restarted server).")
    var retryConnectionErrors = false
    @Option(name: .long, help: "With --retry-connection-errors, the longest time to keep trying one batch, in seconds.")
    var retrySeconds = 60.0

    func validate() throws {
        guard streams > 0, largestBatch > 0 else {
            throw ValidationError("--streams and --largest-batch must be positive")
        }
        guard retrySeconds > 0 else { throw ValidationError("--retry-seconds must be positive") }
    }

    func run() throws {
        let store = try StoreOptions.open(db, options: .init(initialMapSizeBytes: initialMapBytes))
        StressReport.ready()
        // Writers of one test share a seed; the writer's name keeps their event ids apart.
        var random = DemoRandom(
            seed: seed, stream: writer.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
        var number = 0
        while batches.map({ number < $0 }) ?? true {
            number += 1
            var batch = StressBatch(
                name: "\(writer)-\(number)", random: &random, streamCount: streams, largest: largestBatch)
            do {
                try append(&batch, to: store)
            } catch let error as EventStoreError {
                throw CommandFailure("\(batch.name): \(error.message)")
            }
        }
    }

    /// Appends `batch`, with expected versions when asked, until it is committed; with
    /// `--retry-connection-errors`, through failures of the storage.
    private func append(_ batch: inout StressBatch, to store: EventStore) throws {
        var retry = StorageRetry(seconds: retrySeconds)
        // nil: to be read (first, and after a conflict); kept when the storage failed, so the
        // batch is tried again as it was first sent.
        var expecting: [StreamID: ExpectedVersion]?
        while true {
            do {
                let expected = try expecting ?? readExpectations(of: &batch, in: store)
                expecting = expected
                let result = try store.append(batch.events, expecting: expected)
                StressReport.acknowledged(batch, first: result.positions.min() ?? 0, last: result.positions.max() ?? 0)
                return
            } catch let error as EventStoreError where error.code == .versionConflict && expectVersions {
                let expected: UInt64 = if case .exactly(let version)? = error.expectedVersion { version } else { 0 }
                StressReport.conflict(
                    batch, stream: error.stream?.id ?? "?", expected: expected, actual: error.actualVersion ?? 0)
                expecting = nil
            } catch let error as EventStoreError where error.code == .storage && retryConnectionErrors {
                guard retry.waitBeforeNextTry() else {
                    throw CommandFailure("\(batch.name): still failing after \(retrySeconds) s: \(error.message)")
                }
                StressReport.retry(batch, reason: error.message)
            }
        }
    }

    /// With `--expect-versions`, the version of each stream of `batch`, read now (and
    /// written into the batch for its report), after the think time; otherwise none.
    private func readExpectations(of batch: inout StressBatch, in store: EventStore) throws
        -> [StreamID: ExpectedVersion]
    {
        guard expectVersions else { return [:] }
        var expecting: [StreamID: ExpectedVersion] = [:]
        batch.expectedVersions = [:]
        for stream in batch.streams {
            let version = try store.version(of: stream)
            batch.expectedVersions[stream.id] = version
            expecting[stream] = .exactly(version)
        }
        if thinkMicroseconds > 0 { usleep(thinkMicroseconds) }
        return expecting
    }
}
