import Foundation
import SubledgerLedger
import SubledgerStore

/// The follow part's results: its rows and details.
struct FollowResults {
    var eventCount: Int
    var rows: [ScaleRow] = []
    var details: [String] = []
}

/// What the following process prints on its standard output (``FollowingProcess``).
struct FollowSummary: Codable {
    /// Facts the consumer took.
    var taken: Int
    /// Events the iterator read from the log, and the most it held untaken at once.
    var read: Int
    var mostBuffered: Int
    /// The most one read takes (`FollowedFacts.chunkSize`).
    var chunkSize: Int
    /// The consumer's pauses and their total (the slow part).
    var pauses: Int
    var pauseSeconds: Double
    /// From the first `next()` to the last fact taken.
    var seconds: Double
    /// The sum of the usage amounts taken (the consumer's work, checked by the parent).
    var amountSum: Int64
    /// The process's own `VmHWM` and `RssAnon` from /proc/self/status at the end, in bytes.
    var highWaterBytes: Int
    var anonymousBytes: Int
}

extension BenchmarkRun {
    /// Issue 9 item 10: following a long log with a slow consumer stays under 64 MiB. Builds a
    /// store of `--follow-events` events (the appends' kind of event: `UsageRecorded` on a
    /// line, batches of 10,000), then runs the follower as a process of its own (this
    /// program again, `--follow-child`), so that its peak RSS is the follower's alone: it
    /// follows from position 1 with `Ledger.follow` and pauses 1 ms every
    /// `--follow-pause-every` facts, until it has taken every event.
    mutating func runFollow() throws {
        let count = options.followEvents
        let folder = try TemporaryFolder(prefix: "follow")
        defer { folder.remove() }
        let storePath = folder.appending("store")

        Self.progress("follow: appending \(ReportTable.grouped(count)) events")
        var building = Stopwatch()
        let expectedSum = try building.measure { try Self.appendFollowedEvents(count, to: storePath) }
        Self.progress(String(format: "follow: store built in %.1f s", building.seconds))

        sync()
        Self.progress("follow: following from position 1, a pause of 1 ms every \(options.followPauseEvery) facts")
        let following = try Self.runChecked(
            [Self.ownExecutable(), FollowingProcess.flag, storePath, "\(count)", "\(options.followPauseEvery)"],
            in: folder, name: "follow")
        let summary = try JSONDecoder().decode(
            FollowSummary.self, from: Data(contentsOf: URL(fileURLWithPath: folder.appending("follow.out"))))
        guard summary.taken == count, summary.amountSum == expectedSum else {
            throw BenchmarkError(
                "the follower took \(summary.taken) facts summing \(summary.amountSum), not \(count) summing \(expectedSum)"
            )
        }
        guard summary.mostBuffered <= summary.chunkSize else {
            throw BenchmarkError(
                "the follower held \(summary.mostBuffered) untaken events, more than a chunk (\(summary.chunkSize))")
        }

        let dataBytes = TemporaryFolder.fileSize(storePath + "/data.mdb")
        let rows = Self.followRows(count: count, following: following, summary: summary, dataBytes: dataBytes)
        let details = [
            String(
                format:
                    "- Follow: the store of %@ events (`UsageRecorded` on %@ lines, batches of 10,000, no stored projections) built in %.1f s; data.mdb %@ B (%@).",
                ReportTable.grouped(count), ReportTable.grouped(Self.followedLineCount(count)), building.seconds,
                ReportTable.grouped(dataBytes), Self.perEvent(dataBytes, count))
        ]
        follow = FollowResults(eventCount: count, rows: rows, details: details)
    }

    /// The follow part's rows: the follower's rate, its peak RSS and anonymous memory.
    static func followRows(count: Int, following: ChildProcess, summary: FollowSummary, dataBytes: Int) -> [ScaleRow] {
        var rows: [ScaleRow] = []
        let rate = Double(count) / max(following.seconds, 1e-9)
        let goal = 64.0
        rows.append(
            ScaleRow(
                figure:
                    "Following \(ReportTable.grouped(count)) events from position 1 with a slow consumer (`Ledger.follow`), whole process",
                value: rate, measured: "\(ReportTable.grouped(Int(rate.rounded()))) events/s", goal: .report,
                goalText: "report",
                comparator: String(
                    format: "%@ events in %.2f s, of which %.2f s of the consumer's pauses (%@ of 1 ms)",
                    ReportTable.grouped(count),
                    following.seconds, summary.pauseSeconds, ReportTable.grouped(summary.pauses)),
                notes: String(
                    format:
                        "spawn to exit; following alone %.2f s; CPU %.1f s user + %.1f s system; read %@ events, at most %@ untaken (a chunk is %@)",
                    summary.seconds, following.userSeconds, following.systemSeconds, ReportTable.grouped(summary.read),
                    ReportTable.grouped(summary.mostBuffered), ReportTable.grouped(summary.chunkSize))
                    + ScaleRow.disturbance(following.otherCPUSeconds, seconds: following.seconds)))
        rows.append(
            ScaleRow(
                figure: "Peak RSS of the follower (`VmHWM`)", value: Double(following.peakResidentBytes) / 1_048_576,
                measured: mebibytes(following.peakResidentBytes), goal: .atMost(goal), goalText: "≤ 64 MiB",
                comparator: "\(ReportTable.grouped(count)) events; data.mdb \(ReportTable.grouped(dataBytes)) B",
                notes:
                    "the child's own `VmHWM` (/proc, read every 5 ms), the store's mapped pages it read included; its own at the end \(mebibytes(summary.highWaterBytes))"
            ))
        rows.append(
            ScaleRow(
                figure: "Peak anonymous memory of the follower (`RssAnon`)",
                value: Double(following.peakAnonymousBytes) / 1_048_576,
                measured: mebibytes(following.peakAnonymousBytes), goal: .atMost(goal), goalText: "≤ 64 MiB",
                comparator: "\(ReportTable.grouped(count)) events",
                notes:
                    "without mapped files (the store's pages): the memory the follower allocates; its own at the end \(mebibytes(summary.anonymousBytes))"
            ))
        return rows
    }

    /// The lines of the followed store: one for every ten events.
    static func followedLineCount(_ count: Int) -> Int { max(1, count / 10) }

    /// Appends `count` seeded `UsageRecorded` events to a fresh store at `path`, in batches
    /// of 10,000 made one at a time (the whole set is never in memory); the sum of their
    /// amounts.
    static func appendFollowedEvents(_ count: Int, to path: String) throws -> Int64 {
        let store = try EventStore.open(at: path)
        var generator = SplitMix64(seed: 0xF011_0E5)
        let lineCount = followedLineCount(count)
        let streams = (0..<lineCount).map { StreamID.line(EventSet.lineNumber($0)) }
        // 2026-01-01T00:00:00Z, then one event per second.
        let start: Int64 = 1_767_225_600_000
        var sum: Int64 = 0
        var index = 0
        while index < count {
            let batch = (index..<min(index + 10_000, count)).map { position in
                let high: UInt64 = generator.next()
                let low: UInt64 = generator.next()
                let amount = Int64.random(in: 10_000...100_000, using: &generator)
                sum += amount
                return ProposedEvent(
                    eventID: EventID(
                        high: (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000,
                        low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000),
                    type: BenchmarkEvent.type, stream: streams[Int.random(in: 0..<lineCount, using: &generator)],
                    occurredAt: Timestamp(millisecondsSinceEpoch: start + Int64(position) * 1000),
                    data: ["amount": .integer(amount), "description": .string(BenchmarkEvent.description)],
                    metadata: ["source": BenchmarkEvent.source])
            }
            let result = try store.append(batch)
            guard result.appendedCount == batch.count else {
                throw BenchmarkError("subledger appended \(result.appendedCount) of \(batch.count) events")
            }
            index += batch.count
        }
        return sum
    }

    /// This program's own path (to run it again as the follower).
    static func ownExecutable() throws -> String {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchmarkError("cannot find this program (\(path))")
        }
        return path
    }
}

/// The follower of the follow part, run as a process of its own:
/// `subledger-bench --follow-child STORE COUNT PAUSE_EVERY`. It opens the store without
/// projections (a follower only reads the log), takes `COUNT` facts from position 1
/// through `Ledger.follow`, sleeping 1 ms every `PAUSE_EVERY` facts, and prints a
/// ``FollowSummary`` as JSON.
enum FollowingProcess {
    static let flag = "--follow-child"

    /// The exit status: 0, or 2 for bad arguments, 1 for a failure (said on standard error).
    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.count == 3, let count = Int(arguments[1]), count > 0, let pauseEvery = Int(arguments[2]),
            pauseEvery > 0
        else {
            printToStandardError(
                "subledger-bench: \(flag) needs STORE COUNT PAUSE_EVERY (positive whole numbers), not \(arguments)")
            return 2
        }
        guard FileManager.default.fileExists(atPath: arguments[0] + "/data.mdb") else {
            printToStandardError("subledger-bench: \(flag): \(arguments[0]) holds no store (no data.mdb)")
            return 2
        }
        do {
            let store = try EventStore.open(at: arguments[0])
            // Following never ends by itself: a store shorter than COUNT would wait forever.
            let head = try store.head().position
            guard head >= UInt64(count) else {
                printToStandardError(
                    "subledger-bench: \(flag): the store at \(arguments[0]) holds \(head) events, fewer than the \(count) to follow"
                )
                return 2
            }
            let ledger = Ledger(store: store)
            var iterator = ledger.follow(from: 1).makeAsyncIterator()
            let clock = ContinuousClock()
            let start = clock.now
            var taken = 0
            var mostBuffered = 0
            var amountSum: Int64 = 0
            var pauses = 0
            var paused = Duration.zero
            while taken < count, let recorded = try await iterator.next() {
                taken += 1
                mostBuffered = max(mostBuffered, iterator.bufferedCount)
                if case .usageRecorded(let usage) = recorded.event { amountSum += usage.amount }
                if taken % pauseEvery == 0 {
                    let pauseStart = clock.now
                    try await Task.sleep(for: .milliseconds(1))
                    paused += clock.now - pauseStart
                    pauses += 1
                }
            }
            let seconds = (clock.now - start).seconds
            let memory = ownMemory()
            let summary = FollowSummary(
                taken: taken, read: iterator.readCount, mostBuffered: mostBuffered, chunkSize: FollowedFacts.chunkSize,
                pauses: pauses, pauseSeconds: paused.seconds, seconds: seconds, amountSum: amountSum,
                highWaterBytes: memory.highWater, anonymousBytes: memory.anonymous)
            print(String(decoding: try JSONEncoder().encode(summary), as: UTF8.self))
            return 0
        } catch {
            printToStandardError("subledger-bench: following failed: \(error)")
            return 1
        }
    }

    /// `VmHWM` and `RssAnon` of this process, in bytes (0 when /proc does not say).
    static func ownMemory() -> (highWater: Int, anonymous: Int) {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func kilobytes(_ field: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return (kilobytes("VmHWM:") * 1024, kilobytes("RssAnon:") * 1024)
    }
}
