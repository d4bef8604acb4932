import ArgumentParser
import Foundation
import SubledgerDemo
import SubledgerLedger
import SubledgerReports
import SubledgerStore

/// `subledger demo`: builds a new store with a realistic generated population (the same
/// seed, the same store) and shows what the ledger does with it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Build a store with a generated population of subscribers in debt and show what the ledger does with it.",
        discussion: """
            Three years of monthly usage, invoices and payments of individuals and legal entities on fixed and \
            mobile lines, with threshold notices, cuts, restorations, revocations, vanity numbers sold at auction \
            and some mistakes of the operator for the audit to find. The same --seed gives the same store.

            With --facts-out FILE, no store is built: the generator writes the facts of a population at \
            scale (--lines telephone lines, about --events events; the benchmark's store, tools/bench.sh) \
            as JSON Lines in the input form of interchange.md, for `subledger import`. The lines live over \
            a shorter period chosen to come near --events; the first line lives ten years and keeps its \
            first --long-line-events events. Each fact carries its recordedAt and an event id from the \
            seed: the same seed, lines and events, the same file. Memory stays flat: the facts are \
            sorted in runs beside FILE and merged.
            """
    )

    @Option(name: .long, help: "The store's folder to create (default: $SUBLEDGER_DB, else demo-store).") var db:
        String?
    @Option(help: "The generator's seed: the same seed, the same store.") var seed: UInt64 = 1400
    @Option(help: "How many subscribers to generate (default 3000).") var subscribers: Int?
    @Option(
        name: .customLong("facts-out"),
        help: ArgumentHelp(
            "Write the facts of a population at scale to this JSON Lines file instead of building a store.",
            valueName: "file"))
    var factsOut: String?
    @Option(help: "With --facts-out: telephone lines (the long-lived line included).") var lines: Int = 1_000_000
    @Option(help: "With --facts-out: about how many events in all (default: ten a line).") var events: Int?
    @Option(name: .customLong("long-line-events"), help: "With --facts-out: events of the long-lived first line.")
    var longLineEvents: Int = 1_000
    @Flag(
        name: .long,
        help: "With --facts-out: print one JSON document describing the file (with a sample of line numbers).")
    var json = false

    func validate() throws {
        if factsOut == nil {
            if json { throw ValidationError("--json applies to --facts-out") }
        } else {
            if db != nil || subscribers != nil {
                throw ValidationError("--facts-out writes a file of facts: --db and --subscribers do not apply")
            }
            guard lines >= 2, lines <= 10_000_000 else {
                throw ValidationError("--lines must be between 2 and 10000000")
            }
            guard (events ?? lines) >= lines else { throw ValidationError("--events must be at least --lines") }
            guard longLineEvents >= 1 else { throw ValidationError("--long-line-events must be at least 1") }
        }
    }

    func run() throws {
        if let factsOut { return try writeFacts(to: factsOut) }
        let subscribers = self.subscribers ?? 3000
        let environment = ProcessInfo.processInfo.environment["SUBLEDGER_DB"].flatMap { $0.isEmpty ? nil : $0 }
        let path = db ?? environment ?? "demo-store"
        guard subscribers >= 1, subscribers <= 200_000 else {
            throw ValidationError("--subscribers must be between 1 and 200000")
        }
        try Self.refuseExisting(path)

        let clock = ContinuousClock()
        let started = clock.now
        let generation = DemoGenerator.generate(seed: seed, subscribers: subscribers)
        let generated = clock.now
        let store: EventStore
        do {
            store = try EventStore.open(
                at: path, options: .init(initialMapSizeBytes: 1 << 30, projection: LedgerProjection()))
            // The demo's subscribers have names and national ids: the key file seals them (RET-1).
            try store.openKeyFile(at: StoreKeyFile.defaultPath(forStoreAt: path), creatingBesideStoreAt: path)
        } catch let error as StoreKeyFileError {
            throw CommandFailure(error.message, field: "key-file")
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        try DemoGenerator.record(generation, into: store)
        let recorded = clock.now
        let ledger = Ledger(store: store)
        let report = try DemoReport(ledger: ledger, at: generation.timeline.end)
        let finished = clock.now
        let (headPosition, headHash) = try store.head()

        let format = DisplayFormat(calendar: ledger.calendar)
        let timeline = generation.timeline
        let population = generation.population
        let highlights = generation.highlights
        let rials = DisplayFormat.rials
        var out: [String] = []
        out.append(
            "subledger \(SubledgerVersion.current) demo: seed \(seed), \(rials(Rials(population.subscribers.count))) subscribers, \(rials(Rials(population.lines.count))) lines"
        )
        out.append(
            "  three years of history of the main population, \(format.day(timeline.windowStart)) to \(format.day(timeline.end)),"
        )
        out.append("  with older lines from \(format.day(timeline.earliest)) (vanity numbers, a ten-year legal entity)")
        out.append(
            "  \(rials(Rials(generation.facts.count))) events generated in \(Self.seconds(generated - started)), recorded in \(path) in \(Self.seconds(recorded - generated)),"
        )
        out.append(
            "  read back and audited in \(Self.seconds(finished - recorded)); head #\(rials(Rials(headPosition))), hash \(headHash.hex.prefix(16))… (the same seed gives the same facts; the hash differs from run to run, as personal data are committed under keys made at random, RET-1)"
        )
        out.append("")
        let count = { (type: EventType) in rials(Rials(report.eventCounts[type] ?? 0)) }
        out.append("What happened")
        out.append(
            "  \(count(.usageRecorded)) usage records, \(count(.invoiceIssued)) invoices (BIL-1..3), \(count(.paymentReceived)) payments"
        )
        out.append(
            "  \(rials(Rials(report.thresholdNotices))) threshold notices (NTC-1), \(rials(Rials(report.failedNotices))) known to have failed (DLV-1)"
        )
        out.append(
            "  \(rials(Rials(report.oneWayCuts))) one-way and \(rials(Rials(report.twoWayCuts))) two-way cuts, \(count(.lineRestored)) restorations (GEN-3)"
        )
        out.append(
            "  \(rials(Rials(report.writtenWarnings))) written warnings (OVD-3), \(count(.lineRevoked)) revocations, \(count(.auctionSold)) auctions, \(count(.refundPaid)) refunds paid"
        )
        out.append("")
        out.append("Lines by status at \(format.day(timeline.end))")
        for (status, count) in report.statusCounts {
            out.append(
                "  " + Self.pad(status.rawValue, 9) + Self.left(rials(Rials(count)), 7) + "  "
                    + Self.statusMeaning(status))
        }
        out.append("")
        out.append("Debts and refunds (rials)")
        out.append(
            "  debt on lines not revoked     " + Self.left(rials(report.totalDebt), 13)
                + " on \(rials(Rials(report.linesInDebt))) lines; overdue \(rials(report.totalOverdue)) on \(rials(Rials(report.linesOverdue))) lines"
        )
        out.append(
            "  debt left after netting       " + Self.left(rials(report.residualDebt), 13)
                + " on revoked and sold lines (still owed)")
        out.append(
            "  refunds owed                  " + Self.left(rials(report.refundsDue), 13)
                + " on \(report.linesOwedRefund) line(s) (VAN-3, LEG-2: proceeds and deposits beyond the debt)")
        out.append("  refunds paid                  " + Self.left(rials(report.refundsPaid), 13))
        out.append("")
        out.append(
            "Audit findings by rule: \(report.violationCount) violation(s) (rules broken on what was known), \(report.warningCount) warning(s) (SUS-2, facts recorded later, a complaint answered late on purpose: CMP-1)"
        )
        out.append("  rule     violations  warnings")
        for count in report.findingsByRule {
            out.append(
                "  " + Self.pad(count.rule.rawValue, 7) + Self.left(String(count.violations), 11)
                    + Self.left(String(count.warnings), 10))
        }
        let violationLines = Set(report.findings.filter { $0.severity == .violation }.map(\.line))
        out.append(
            "  violations on \(violationLines.count) line(s), all where the demo's operator broke a rule on purpose: \(violationLines.isSubset(of: generation.mistakeLines) ? "yes" : "NO")"
        )
        out.append("")

        let replay = try ledger.replay(of: LineNumber(stored: highlights.disputedLine))
        let marked = replay.entries.indices.filter { !replay.entries[$0].findings.isEmpty }
        let windowStart = marked.first.map { max(0, $0 - 5) } ?? max(0, replay.entries.count - 12)
        let windowEnd = marked.last.map { min(replay.entries.count, $0 + 4) } ?? replay.entries.count
        let window = windowStart..<windowEnd
        out.append(
            "A disputed line: a threshold notice that never arrived (DLV-1), a cut anyway on a Thursday afternoon")
        out.append(
            ReplayText(format: format).render(replay, entries: window).split(
                separator: "\n", omittingEmptySubsequences: false
            )
            .map { "  " + $0 }.joined(separator: "\n"))
        out.append("")

        let db = " --db \(path)"
        let asOf = " --as-of \(timeline.end.rfc3339)"
        out.append("Explore further (or export SUBLEDGER_DB=\(path) and leave out --db)")
        let commands: [(String, String)] = [
            ("subledger status \(highlights.disputedLine)\(db)\(asOf)", "the disputed line at the end of the demo"),
            (
                "subledger replay \(highlights.disputedLine)\(db) --html replay.html",
                "its whole history: one page with a chart"
            ),
            (
                "subledger replay \(highlights.disputedLine)\(db) --known-at \(replay.entries[window.lowerBound].recordedAt.rfc3339)",
                "what was known before the dispute"
            ),
            (
                "subledger replay \(highlights.lawfulLine)\(db)",
                "a line where the rules were kept: notices, cut, restoration"
            ),
            (
                "subledger replay \(highlights.cutWithoutNoticeLine)\(db)",
                "a threshold cut without any notice (CUT-1, GEN-5)"
            ),
            (
                "subledger replay \(highlights.otherLinesDebtCut)\(db)",
                "a line cut for the debt of \(highlights.otherLinesDebtSource) (GEN-1)"
            ),
            ("subledger replay \(highlights.lateFeeLine)\(db)", "a late fee (GEN-2)"),
            (
                "subledger replay \(highlights.bankDelayLine)\(db)",
                "a payment recorded after the cut it would have prevented (a warning)"
            ),
            (
                "subledger audit --line \(highlights.massCutLines.first ?? "")\(db)",
                "one of \(highlights.massCutLines.count) lines cut on \(format.time(highlights.massCutAt)) (SUS-2)"
            ),
            (
                "subledger audit --line \(highlights.massSuspensionLines.first ?? "")\(db)",
                "one of \(highlights.massSuspensionLines.count) lines suspended for kyc from \(format.time(highlights.massSuspensionAt)), without notice: a mass suspension (SUS-2)"
            ),
            (
                "subledger audit --line \(highlights.wednesdayCutLine)\(db)",
                "a line cut on a Wednesday, \(format.time(highlights.wednesdayCutAt)) (SUS-2)"
            ),
            (
                "subledger replay \(highlights.lunarEveCutLine)\(db)",
                "a line cut on the eve of a lunar holiday, \(format.time(highlights.lunarEveCutAt)) (SUS-2)"
            ),
            (
                "subledger settle \(highlights.vanityLines.first ?? "")\(db)",
                "a vanity number sold at auction, the rest refunded (VAN-1..3)"
            ),
            ("subledger replay \(highlights.tenYearLine)\(db)", "a legal entity's ten-year line (LEG-1, LEG-2)"),
            (
                "subledger replay \(highlights.complaintLine)\(db)",
                "complaints beside what they are about: one answered in time, one late (a CMP-1 warning on purpose), one owed an answer"
            ),
            (
                "subledger replay \(highlights.kycLine)\(db)",
                "suspended for KYC, the identity verified again, restored within 24 h (KYC-1, GEN-3)"
            ),
            ("subledger due\(db) --at \(timeline.end.rfc3339)", "the operator's work list at the end of the demo"),
            ("subledger audit\(db)", "every finding, with its rule and position"),
            (
                "subledger export\(db) --line \(highlights.disputedLine)",
                "the line's events with their hashes (JSON Lines)"
            ),
            ("subledger verify\(db)", "checks the whole hash chain"),
        ]
        let width = commands.map(\.0.count).max() ?? 0
        for (command, meaning) in commands { out.append("  " + Self.pad(command, width) + "  # " + meaning) }
        print(out.joined(separator: "\n"))

        if !generation.anomalies.isEmpty {
            let text =
                "demo: \(generation.anomalies.count) action(s) meant as lawful were refused:\n"
                + generation.anomalies.prefix(20).joined(separator: "\n") + "\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// `--facts-out`: the population at scale as JSON Lines (``DemoFactStream``).
    private func writeFacts(to path: String) throws {
        let request = DemoFactStreamRequest(
            seed: seed, lines: lines, events: events ?? lines * 10, longLineEvents: longLineEvents)
        let started = ContinuousClock.now
        let summary: DemoFactStreamSummary
        do {
            summary = try DemoFactStream.write(request, to: path) { StandardError.print("demo: \($0)") }
        } catch {
            throw CommandFailure(error.description)
        }
        let elapsed = ContinuousClock.now - started
        if !summary.anomalies.isEmpty {
            StandardError.print(
                "demo: \(summary.anomalyCount) action(s) meant as lawful were refused:\n"
                    + summary.anomalies.joined(separator: "\n"))
        }
        if json {
            JSONOutput.print([
                "path": .string(summary.path), "seed": .integer(Int64(bitPattern: summary.seed)),
                "lines": .integer(Int64(summary.lines)), "subscribers": .integer(Int64(summary.subscribers)),
                "events": .integer(Int64(summary.events)), "bytes": .integer(Int64(summary.bytes)),
                "windowDays": .integer(Int64(summary.windowDays)),
                "firstRecordedAt": .string(summary.firstRecordedAt.rfc3339),
                "lastRecordedAt": .string(summary.lastRecordedAt.rfc3339),
                "longLine": .string(summary.longLine), "longLineEvents": .integer(Int64(summary.longLineEvents)),
                "longLineFirstOccurredAt": .string(summary.longLineFirstOccurredAt.rfc3339),
                "longLineLastOccurredAt": .string(summary.longLineLastOccurredAt.rfc3339),
                "anomalies": .integer(Int64(summary.anomalyCount)), "runs": .integer(Int64(summary.runs)),
                "milliseconds": .integer(elapsed.wholeMilliseconds),
                "sampleLines": .array(summary.sampleLines.map { .string($0) }),
            ])
            return
        }
        print(
            """
            subledger demo: seed \(seed), \(summary.events) events of \(summary.lines) lines and \(summary.subscribers) subscribers \
            written to \(path) (\(summary.bytes) bytes) in \(Self.seconds(elapsed))
              recorded from \(summary.firstRecordedAt) to \(summary.lastRecordedAt); the lines activate over the last \(summary.windowDays) days
              the long-lived line \(summary.longLine): \(summary.longLineEvents) events from \(summary.longLineFirstOccurredAt) to \(summary.longLineLastOccurredAt)
              import it with: subledger import \(path) --db STORE
            """)
    }

    /// Refuses a path that holds anything: the demo builds a new store.
    static func refuseExisting(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw CommandFailure("\(path) is a file: the demo builds a new store in a folder; name another with --db")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if !contents.isEmpty {
            throw CommandFailure(
                "\(path) is not empty: the demo builds a new store and does not overwrite one; remove it or name another folder with --db"
            )
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
    static func left(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func statusMeaning(_ status: LineStatus) -> String {
        switch status {
        case .active: "in service"
        case .oneWay: "outgoing barred (OVD-1, CUT-2)"
        case .twoWay: "nothing in or out (OVD-2), awaiting the grace (OVD-3)"
        case .terminated: "subscription ended by the subscriber or by non-renewal (RET-1)"
        case .revoked: "number taken back after the grace (OVD-3, LEG-1)"
        case .sold: "vanity number sold at auction (VAN-2)"
        }
    }
}
