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
struct StressAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress-append",
        abstract: "Append marked batches in a loop, reporting each acknowledged one (for the reliability tests).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The store's folder.") var db: String
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

    func validate() throws {
        guard streams > 0, largestBatch > 0 else {
            throw ValidationError("--streams and --largest-batch must be positive")
        }
    }

    func run() throws {
        let store: EventStore
        do {
            store = try EventStore.open(at: db, options: .init(initialMapSizeBytes: initialMapBytes))
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
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

    /// Appends `batch`, with expected versions when asked, until it is committed.
    private func append(_ batch: inout StressBatch, to store: EventStore) throws {
        while true {
            var expecting: [StreamID: ExpectedVersion] = [:]
            if expectVersions {
                batch.expectedVersions = [:]
                for stream in batch.streams {
                    let version = try store.version(of: stream)
                    batch.expectedVersions[stream.id] = version
                    expecting[stream] = .exactly(version)
                }
                if thinkMicroseconds > 0 { usleep(thinkMicroseconds) }
            }
            do {
                let result = try store.append(batch.events, expecting: expecting)
                StressReport.acknowledged(batch, first: result.positions.min() ?? 0, last: result.positions.max() ?? 0)
                return
            } catch let error as EventStoreError where error.code == .versionConflict && expectVersions {
                let expected: UInt64 = if case .exactly(let version)? = error.expectedVersion { version } else { 0 }
                StressReport.conflict(
                    batch, stream: error.stream?.id ?? "?", expected: expected, actual: error.actualVersion ?? 0)
            }
        }
    }
}
