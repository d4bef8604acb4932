import Dispatch
import Foundation
import SubledgerStore
import Synchronization

/// One row of the concurrent-appenders table.
struct ConcurrentMeasurement {
    var engine: Measurement.Engine
    var writers: Int
    var eventCount: Int
    var seconds: Double
    var cpuSeconds: Double
    var otherCPUSeconds: Double
    var note: String
    /// What the row measured, when it is not the engine's store (the ledger's row).
    var label: String? = nil

    var eventsPerSecond: Double { seconds > 0 ? Double(eventCount) / seconds : .infinity }
}

extension BenchmarkRun {
    /// `writers` concurrent appenders, each appending its share of the first
    /// `concurrentEventCount` events one at a time, each append durable before its next,
    /// for `concurrentSeconds` (or until the events run out):
    /// subledger through `appendCoalesced` (tasks; group commit), SQLite through one GRDB
    /// `DatabaseQueue` that serialises the writers' own one-event transactions (threads),
    /// raw LMDB with one write transaction per event (threads; LMDB serialises writers).
    mutating func runConcurrentAppends() throws {
        let writers = options.concurrentWriters
        let count = min(options.concurrentEventCount, eventSet.events.count)
        guard writers > 0, count > 0 else { return }
        let batches = eventSet.batches(of: 1, count: count)
        // Writer w appends batches w, w + writers, w + 2 × writers, ...
        let shares: [[ArraySlice<BenchmarkEvent>]] = (0..<writers).map { writer in
            stride(from: writer, to: batches.count, by: writers).map { batches[$0] }
        }
        for kind in options.engines {
            let engine = try makeEngine(
                kind, eventSet: eventSet, recordSize: recordSize, postgresURL: options.postgresURL)
            defer { engine.folder.remove() }
            // Made before the clocks start, and only for subledger's row.
            let proposed = engine is SubledgerEngine ? proposedShares(shares) : []
            sync()
            let before = MachineLoad.now()
            var stopwatch = Stopwatch()
            let note: String
            let budget: ConcurrentBudget
            switch engine {
            case let subledger as SubledgerEngine:
                guard let store = subledger.openStore else { throw BenchmarkError("the subledger store is closed") }
                let countsBefore = store.groupCommitCounts
                budget = ConcurrentBudget(seconds: options.concurrentSeconds)
                try stopwatch.measure { try Self.runTasks(store: store, shares: proposed, budget: budget) }
                let counts = store.groupCommitCounts
                let groups = counts.groups - countsBefore.groups
                note =
                    "`appendCoalesced`, \(writers) tasks: their appends share write transactions (group commit); "
                    + "\(ReportTable.grouped(groups)) groups, "
                    + String(format: "%.1f", Double(counts.callers - countsBefore.callers) / Double(max(groups, 1)))
                    + " callers each on average, at most \(counts.largestGroup)"
            case let sqlite as SQLiteEngine:
                budget = ConcurrentBudget(seconds: options.concurrentSeconds)
                try stopwatch.measure {
                    try Self.runThreads(shares, budget: budget) { batch, local in
                        try sqlite.appendShared(batch, timing: &local)
                    }
                }
                note = "\(writers) threads, one `DatabaseQueue`, one `BEGIN IMMEDIATE` transaction (fsync) per event"
            case let raw as RawLMDBEngine:
                budget = ConcurrentBudget(seconds: options.concurrentSeconds)
                try stopwatch.measure {
                    try Self.runThreads(shares, budget: budget) { batch, local in
                        try raw.appendShared(batch, timing: &local)
                    }
                }
                note = "\(writers) threads, one write transaction (fsync) per event"
            default:
                throw BenchmarkError("no concurrent run for \(kind.rawValue)")
            }
            let appended = budget.appendedEvents
            let measurement = ConcurrentMeasurement(
                engine: kind, writers: writers, eventCount: appended, seconds: stopwatch.seconds,
                cpuSeconds: stopwatch.cpuSeconds,
                otherCPUSeconds: MachineLoad.otherCPUSeconds(from: before, to: .now()),
                note: note
                    + Self.ranOutNote(appended: appended, of: count, seconds: stopwatch.seconds, options: options))
            concurrentMeasurements.append(measurement)
            Self.progress(
                "\(kind.rawValue) \(writers) concurrent single-event appenders: \(appended) events in "
                    + String(format: "%.3f s, %.0f events/s", measurement.seconds, measurement.eventsPerSecond))
            _ = try engine.close(eventCount: appended)
        }
    }

    /// Each writer's batches as subledger's proposed events.
    private func proposedShares(_ shares: [[ArraySlice<BenchmarkEvent>]]) -> [[[ProposedEvent]]] {
        let events = SubledgerEvents(eventSet: eventSet)
        return shares.map { $0.map { batch in batch.map(events.proposedEvent) } }
    }

    /// A warning for a row whose writers ran out of events before its deadline.
    static func ranOutNote(appended: Int, of count: Int, seconds: Double, options: BenchmarkOptions) -> String {
        guard appended >= count, seconds < Double(options.concurrentSeconds) else { return "" }
        return String(
            format: "; ⚠ its %@ events ran out after %.1f of %d s (more with --events, or --concurrent-events when given)", ReportTable.grouped(count),
            seconds, options.concurrentSeconds)
    }

    /// One task per share, each awaiting its appends one by one until `budget`'s deadline;
    /// blocks until all are done.
    private static func runTasks(store: EventStore, shares: [[[ProposedEvent]]], budget: ConcurrentBudget) throws {
        try runConcurrently(
            shares.map { share in
                {
                    for batch in share {
                        guard budget.allowsAnother else { return }
                        let result = try await store.appendCoalesced(batch)
                        guard result.appendedCount == batch.count else {
                            throw BenchmarkError("subledger appended \(result.appendedCount) of \(batch.count) events")
                        }
                        budget.count(batch.count)
                    }
                }
            })
    }

    /// Runs each of `bodies` as a task of one group and blocks until all are done; throws the
    /// first error any of them threw.
    static func runConcurrently(_ bodies: [@Sendable () async throws -> Void]) throws {
        let failure = FirstFailure()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await withTaskGroup(of: Void.self) { group in
                for body in bodies {
                    group.addTask {
                        do { try await body() } catch { failure.record(error) }
                    }
                }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }

    /// One thread per share, each calling `append` with its batches one by one until
    /// `budget`'s deadline.
    private static func runThreads(
        _ shares: [[ArraySlice<BenchmarkEvent>]], budget: ConcurrentBudget,
        _ append: @escaping @Sendable (ArraySlice<BenchmarkEvent>, inout Stopwatch) throws -> Void
    ) throws {
        let failure = FirstFailure()
        let group = DispatchGroup()
        for share in shares {
            group.enter()
            let thread = Thread {
                var local = Stopwatch()
                do {
                    for batch in share {
                        guard budget.allowsAnother else { break }
                        try append(batch, &local)
                        budget.count(batch.count)
                    }
                } catch {
                    failure.record(error)
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        if let error = failure.error { throw error }
    }
}

/// The first error of the concurrent writers.
private final class FirstFailure: Sendable {
    private let first = Mutex<(any Error)?>(nil)
    func record(_ error: any Error) { first.withLock { $0 = $0 ?? error } }
    var error: (any Error)? { first.withLock { $0 } }
}

extension ReportTable {
    /// The concurrent-appenders table: events/s, and the ratio to SQLite's and raw LMDB's.
    static func concurrent(_ measurements: [ConcurrentMeasurement]) -> String {
        let sqlite = measurements.first { $0.engine == .sqlite }
        let raw = measurements.first { $0.engine == .rawLMDB }
        var lines = [
            "| What | Writers | Events | Seconds | Events/s | vs SQLite | vs raw LMDB | CPU µs/event | Notes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for measurement in measurements {
            let versusSQLite =
                sqlite.map { String(format: "%.2f×", measurement.eventsPerSecond / $0.eventsPerSecond) } ?? "–"
            let versusRaw = raw.map { String(format: "%.2f×", measurement.eventsPerSecond / $0.eventsPerSecond) } ?? "–"
            var notes = [measurement.note]
            if measurement.otherCPUSeconds >= 0.05, measurement.otherCPUSeconds > 0.1 * measurement.seconds {
                notes.append(
                    String(format: "⚠ other programs used %.2f core-s of CPU meanwhile", measurement.otherCPUSeconds))
            }
            lines.append(
                "| \(measurement.label ?? measurement.engine.rawValue + " append") | \(measurement.writers) | \(grouped(measurement.eventCount)) | "
                    + String(format: "%.3f", measurement.seconds)
                    + " | \(grouped(Int(measurement.eventsPerSecond.rounded()))) | "
                    + "\(versusSQLite) | \(versusRaw) | "
                    + String(format: "%.2f", measurement.cpuSeconds / Double(max(measurement.eventCount, 1)) * 1e6)
                    + " | \(notes.joined(separator: "; ")) |")
        }
        return lines.joined(separator: "\n")
    }
}
