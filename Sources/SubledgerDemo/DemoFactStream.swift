#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
package import SubledgerStore
import SubledgerLedger
import SystemPackage

/// What to generate: how many lines, about how many events, from which seed.
package struct DemoFactStreamRequest: Hashable, Sendable {
    /// The seed of every random draw: the same request gives the same file.
    package var seed: UInt64
    /// Telephone lines, the long-lived one included.
    package var lines: Int
    /// Events wanted in all; the simulated period is chosen to come near it.
    package var events: Int
    /// Events of the long-lived line (the first line, activated ten years before the end).
    package var longLineEvents: Int
    /// How many line numbers the summary names (spread evenly over the lines).
    package var sampleSize: Int
    /// Facts simulated and sorted in memory at a time (one run file each).
    package var factsPerRun: Int

    /// A request, the defaults the benchmark's; ``DemoFactStream/write(_:to:progress:)`` checks the ranges.
    /// - Parameters: one for each property of the same name.
    package init(
        seed: UInt64 = 1400, lines: Int, events: Int, longLineEvents: Int = 1_000, sampleSize: Int = 10_000,
        factsPerRun: Int = 500_000
    ) {
        self.seed = seed
        self.lines = lines
        self.events = events
        self.longLineEvents = longLineEvents
        self.sampleSize = sampleSize
        self.factsPerRun = factsPerRun
    }
}

/// What ``DemoFactStream/write(_:to:progress:)`` wrote.
package struct DemoFactStreamSummary: Sendable {
    /// The file written.
    package var path: String
    /// The seed it was generated from.
    package var seed: UInt64
    /// The lines, the long-lived one included.
    package var lines: Int
    /// The subscribers, the long-lived line's owner included.
    package var subscribers: Int
    /// The events written: one JSON line each.
    package var events: Int
    /// The file's size, in bytes.
    package var bytes: Int
    /// The lines activate during the first 85 % of the last `windowDays` days.
    package var windowDays: Int
    /// The `recordedAt` of the file's first fact.
    package var firstRecordedAt: Timestamp
    /// The `recordedAt` of its last fact.
    package var lastRecordedAt: Timestamp
    /// The long-lived line, its events and when the first and last occurred.
    package var longLine: String
    /// The events of the long-lived line.
    package var longLineEvents: Int
    /// When the first of them occurred.
    package var longLineFirstOccurredAt: Timestamp
    /// When the last of them occurred.
    package var longLineLastOccurredAt: Timestamp
    /// Line numbers spread evenly over the population (for queries of random lines).
    package var sampleLines: [String]
    /// Actions meant as lawful that the rules refused: none unless something is wrong.
    package var anomalyCount: Int
    /// The first of them, for a person: the long-lived line's, then up to 20 of the population's.
    package var anomalies: [String]
    /// Sorted runs merged into the file.
    package var runs: Int
}

/// A failure to write the fact stream (a file that cannot be written, a request out of range).
package struct DemoFactStreamError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for a person.
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The demo's generator at scale: a realistic fact stream of many lines as JSON Lines in
/// the input form of interchange.md (what `subledger import` reads), for the benchmark.
///
/// The same seed, lines and events give the same file byte for byte. The population is the
/// demo's random one (``DemoScalePopulation``) over a shorter period, chosen by simulating a
/// pilot of the population so that the events come near the number asked; one extra line
/// (the first) lives ten years with a busy usage feed and keeps its first
/// ``DemoFactStreamRequest/longLineEvents`` events. Every line is simulated as in the demo
/// (``DemoLineSimulator``: the operator's actions through the rules). Each fact carries the
/// `recordedAt` of the simulation (the file never goes back in it, as `import` requires) and
/// an event id drawn from the seed in file order.
///
/// Memory stays flat: households are simulated a run at a time (about
/// ``DemoFactStreamRequest/factsPerRun`` facts), each run sorted by `recordedAt` and written
/// to a temporary file beside the output, and the runs are merged into the output.
package enum DemoFactStream: Sendable {
    /// Writes the fact stream of `request` to `path` (replacing a file there), through run files beside it.
    /// - Parameters: `request`, what to generate; `path`, the output file; `progress`, told a line per step.
    /// - Returns: what was written.
    /// - Throws: ``DemoFactStreamError`` for a request out of range (lines, events) or a file not writable.
    package static func write(
        _ request: DemoFactStreamRequest, to path: String,
        progress: (String) -> Void = { _ in }
    ) throws(DemoFactStreamError) -> DemoFactStreamSummary {
        guard request.lines >= 2, request.lines <= DemoScalePopulation.maximumLines else {
            throw DemoFactStreamError(
                "the fact stream needs 2 to \(DemoScalePopulation.maximumLines) lines, not \(request.lines)")
        }
        guard request.events >= request.lines, request.longLineEvents >= 1, request.factsPerRun >= 1 else {
            throw DemoFactStreamError(
                "the fact stream needs at least one event a line (asked \(request.events) events for \(request.lines) lines)"
            )
        }
        let timeline = DemoTimeline(calendar: .standard)
        let editions = PolicyEditions.builtIn
        let clock = ContinuousClock()
        var started = clock.now

        let population = request.lines - 1
        let long = longLine(seed: request.seed, timeline: timeline, editions: editions, events: request.longLineEvents)
        let perLine = Double(request.events - long.facts.count) / Double(population)
        let windowDays = calibrateWindow(
            seed: request.seed, timeline: timeline, editions: editions, lines: population,
            eventsPerLine: perLine)
        progress(
            "the lines activate over the last \(windowDays) days before \(timeline.end) (calibrated on a pilot in \(seconds(clock.now - started)))"
        )

        started = clock.now
        let folder = try RunFolder(beside: path)
        defer { folder.remove() }
        var planner = DemoScalePopulation(
            seed: request.seed, timeline: timeline, windowDays: windowDays, lineCount: population)
        var chunk = Chunk()
        chunk.add(long.onboarding)
        chunk.addLine(long.facts)
        var runs: [String] = []
        var sample: [String] = []
        let stride = max(1, population / max(1, request.sampleSize))
        var anomalies: [String] = []
        var anomalyCount = 0
        var subscribers = 1
        var simulated = 0
        func writeRun() throws(DemoFactStreamError) {
            let run = folder.path + "/run-\(runs.count)"
            simulated += chunk.facts.count
            try chunk.writeSorted(to: run)
            runs.append(run)
            chunk = Chunk()
            progress(
                "simulated \(planner.plannedLines + 1) of \(request.lines) lines, \(simulated) events (\(runs.count) runs) in \(seconds(clock.now - started))"
            )
        }
        while let household = planner.next() {
            subscribers += 1
            chunk.add(household.onboarding)
            for plan in household.lines {
                var simulator = DemoLineSimulator(
                    plan: plan, owner: household.owner, timeline: timeline, editions: editions, seed: request.seed)
                simulator.run()
                chunk.addLine(simulator.facts)
                if (plan.index - DemoScalePopulation.firstLineIndex) % stride == 0, sample.count < request.sampleSize {
                    sample.append(plan.number)
                }
                anomalyCount += simulator.anomalies.count
                if anomalies.count < 20 { anomalies += simulator.anomalies.prefix(20 - anomalies.count) }
            }
            if chunk.facts.count >= request.factsPerRun { try writeRun() }
        }
        if !chunk.facts.isEmpty { try writeRun() }

        started = clock.now
        let merged = try merge(runs, into: path, seed: request.seed)
        progress(
            "merged \(runs.count) runs into \(path): \(merged.events) events, \(merged.bytes) bytes in \(seconds(clock.now - started))"
        )
        return DemoFactStreamSummary(
            path: path, seed: request.seed, lines: request.lines, subscribers: subscribers, events: merged.events,
            bytes: merged.bytes,
            windowDays: windowDays, firstRecordedAt: merged.first, lastRecordedAt: merged.last,
            longLine: long.number, longLineEvents: long.facts.count,
            longLineFirstOccurredAt: long.facts.first?.occurredAt ?? timeline.end,
            longLineLastOccurredAt: long.facts.last?.occurredAt ?? timeline.end,
            sampleLines: sample, anomalyCount: anomalyCount + long.anomalies.count,
            anomalies: long.anomalies + anomalies, runs: runs.count)
    }

    // MARK: The long-lived line

    /// The first line: a company's mobile line from ten years before the end, prompt or a
    /// little late, with a busy mediation feed (six usage records a month), cut after its
    /// first `events` facts (with its owner's two apart).
    static func longLine(seed: UInt64, timeline: DemoTimeline, editions: PolicyEditions, events: Int)
        -> (number: String, onboarding: [LedgerFact], facts: [LedgerFact], anomalies: [String])
    {
        var random = DemoRandom(seed: seed, stream: 0x5CA1_E000_0000)
        let subscriber = DemoSubscriber(
            id: DemoScalePopulation.subscriberID(0), kind: .legalEntity, governmental: false,
            name: DemoNames.company(&random), nationalID: DemoNames.entityID(&random),
            documents: ["registration-gazette", "national-id-of-signatory"])
        let activatedAt = timeline.billingTime(month: 1391 * 12 + 5, day: 15).adding(milliseconds: 25_000_000)
        let number = DemoScalePopulation.number(0, service: .mobile, seed: seed, random: &random)
        var plan = DemoPopulation.usualLine(
            index: 0, number: number, subscriber: 0, service: .mobile, plan: .guarantee,
            activatedAt: activatedAt, random: &random)
        plan.habit = .sometimesLate(percent: 12)
        plan.usageRecordsPerPeriod = 6
        let (onboarding, owner) = DemoGenerator.onboarding(of: subscriber, before: activatedAt, random: &random)
        var simulator = DemoLineSimulator(plan: plan, owner: owner, timeline: timeline, editions: editions, seed: seed)
        simulator.run()
        return (number, onboarding, Array(simulator.facts.prefix(events)), simulator.anomalies)
    }

    // MARK: The period

    /// The window (in days) over which the lines activate, so that the population's events
    /// per line (their owners' two counted in share) come near `eventsPerLine`: bisection
    /// on a pilot of the first households, planned exactly as the file's will be.
    static func calibrateWindow(
        seed: UInt64, timeline: DemoTimeline, editions: PolicyEditions, lines: Int, eventsPerLine target: Double
    ) -> Int {
        let pilotLines = min(lines, 2_000)
        func measured(window: Int) -> Double {
            var planner = DemoScalePopulation(seed: seed, timeline: timeline, windowDays: window, lineCount: pilotLines)
            var events = 0
            while let household = planner.next() {
                events += household.onboarding.count
                for plan in household.lines {
                    var simulator = DemoLineSimulator(
                        plan: plan, owner: household.owner, timeline: timeline, editions: editions, seed: seed)
                    simulator.run()
                    events += simulator.facts.count
                }
            }
            return Double(events) / Double(max(1, planner.plannedLines))
        }
        let longest = Int(
            (timeline.end.millisecondsSinceEpoch - timeline.windowStart.millisecondsSinceEpoch) / 86_400_000)
        var low = 10
        var high = longest
        var lowEvents = measured(window: low)
        var highEvents = measured(window: high)
        if lowEvents >= target { return low }
        if highEvents <= target { return high }
        while high - low > 1 {
            let middle = (low + high) / 2
            let events = measured(window: middle)
            if events < target { (low, lowEvents) = (middle, events) } else { (high, highEvents) = (middle, events) }
        }
        let below = target - lowEvents
        let above = highEvents - target
        return below <= above ? low : high
    }

    // MARK: Runs

    /// The facts of some households in track order (owners' onboarding first in each
    /// household, then each line's facts), sorted by `recordedAt` when written.
    private struct Chunk {
        var facts: [LedgerFact] = []

        mutating func add(_ onboarding: [LedgerFact]) { facts += onboarding }
        mutating func addLine(_ lineFacts: [LedgerFact]) { facts += lineFacts }

        /// Writes the facts ordered by (`recordedAt`, order of addition) as records of
        /// `recordedAt` (8 bytes), length (4 bytes) and the fact's JSON without its closing brace.
        func writeSorted(to path: String) throws(DemoFactStreamError) {
            var order = [(recorded: Int64, index: Int32)]()
            order.reserveCapacity(facts.count)
            for (index, fact) in facts.enumerated() {
                order.append(((fact.recordedAt ?? fact.occurredAt).millisecondsSinceEpoch, Int32(index)))
            }
            order.sort { ($0.recorded, $0.index) < ($1.recorded, $1.index) }
            let writer = try FileWriter(path: path)
            var json: [UInt8] = []
            json.reserveCapacity(1024)
            for key in order {
                json.removeAll(keepingCapacity: true)
                DemoFactStream.writeOpenJSON(facts[Int(key.index)], into: &json)
                try writer.append { bytes in
                    withUnsafeBytes(of: key.recorded.littleEndian) { bytes.append(contentsOf: $0) }
                    withUnsafeBytes(of: UInt32(json.count).littleEndian) { bytes.append(contentsOf: $0) }
                    bytes.append(contentsOf: json)
                }
            }
            try writer.close()
        }
    }

    /// The fact in the input form of interchange.md, without its closing brace (the merge
    /// adds the event id): `{"type":…,"line":…,"occurredAt":…,"recordedAt":…,"data":…,"metadata":…`.
    static func writeOpenJSON(_ fact: LedgerFact, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: Array("{\"type\":".utf8))
        CanonicalJSON.writeString(fact.event.type.rawValue, into: &bytes)
        switch fact.stream {
        case .line(let number):
            bytes.append(contentsOf: Array(",\"line\":".utf8))
            CanonicalJSON.writeString(number, into: &bytes)
        case .subscriber(let id):
            bytes.append(contentsOf: Array(",\"subscriber\":".utf8))
            CanonicalJSON.writeString(id, into: &bytes)
        case .policy(let name):
            bytes.append(contentsOf: Array(",\"policy\":".utf8))
            CanonicalJSON.writeString(name, into: &bytes)
        }
        bytes.append(contentsOf: Array(",\"occurredAt\":\"".utf8))
        fact.occurredAt.write(into: &bytes)
        if let recordedAt = fact.recordedAt {
            bytes.append(contentsOf: Array("\",\"recordedAt\":\"".utf8))
            recordedAt.write(into: &bytes)
        }
        bytes.append(contentsOf: Array("\",\"data\":".utf8))
        CanonicalJSON.write(.object(fact.event.data), into: &bytes)
        bytes.append(contentsOf: Array(",\"metadata\":{".utf8))
        for (index, member) in fact.metadata.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(member.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            CanonicalJSON.writeString(member.value, into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Merges the sorted runs into `path` by (`recordedAt`, run), closing each fact with an
    /// event id drawn in file order; the file appears whole or not at all.
    private static func merge(_ runs: [String], into path: String, seed: UInt64) throws(DemoFactStreamError)
        -> (events: Int, bytes: Int, first: Timestamp, last: Timestamp)
    {
        var readers: [RunReader] = []
        for run in runs { readers.append(try RunReader(path: run)) }
        let partial = path + ".partial"
        let writer = try FileWriter(path: partial)
        var ids = DemoRandom(seed: seed, stream: 0xE7E7_1D00)
        // The runs, keyed by (the run's next recordedAt, run index).
        var keys = [Int64](repeating: .max, count: readers.count)
        var live: [Int] = []
        for index in readers.indices {
            guard try readers[index].advance() else { continue }
            keys[index] = readers[index].recorded
            live.append(index)
        }
        func less(_ left: Int, _ right: Int) -> Bool { (keys[left], left) < (keys[right], right) }
        var heap = MergeHeap(live, by: less)
        var events = 0
        var first: Int64?
        var last: Int64 = 0
        let closing = Array(",\"eventId\":\"".utf8)
        while let top = heap.first {
            first = first ?? keys[top]
            last = keys[top]
            let id = EventID.random(using: &ids)
            try writer.append { bytes in
                readers[top].appendRecord(to: &bytes)
                bytes.append(contentsOf: closing)
                id.write(into: &bytes)
                bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "}"), UInt8(ascii: "\n")])
            }
            events += 1
            let hasMore = try readers[top].advance()
            if hasMore { keys[top] = readers[top].recorded }
            heap.firstAdvanced(hasMore: hasMore, by: less)
        }
        let bytes = writer.written
        try writer.close()
        guard rename(partial, path) == 0 else {
            unlink(partial)
            throw DemoFactStreamError("cannot move the facts into \(path): \(systemMessage(errno))")
        }
        return (events, bytes, Timestamp(millisecondsSinceEpoch: first ?? 0), Timestamp(millisecondsSinceEpoch: last))
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }
}
