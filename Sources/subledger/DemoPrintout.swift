import SubledgerDemo
import SubledgerLedger
import SubledgerReports
import SubledgerStore

/// What `subledger demo` prints once its store is written and audited: the population, what
/// happened, the lines by status, the debts, the audit's findings by rule, a disputed line's
/// replay and the commands to explore further. Only formatting: the figures are the report's.
struct DemoPrintout {
    let seed: UInt64
    let path: String
    let generation: DemoGeneration
    let report: DemoReport
    let ledger: Ledger
    let head: (position: UInt64, hash: ChainHash)
    let durations: (generating: Duration, recording: Duration, auditing: Duration)

    var format: DisplayFormat { DisplayFormat(calendar: ledger.calendar) }
    var timeline: DemoTimeline { generation.timeline }
    var population: DemoPopulation { generation.population }
    var highlights: DemoHighlights { generation.highlights }
    func rials(_ amount: Rials) -> String { DisplayFormat.rials(amount) }

    /// Every line of the printout, in order.
    /// - Throws: What reading the disputed line's replay from the store throws.
    func lines() throws -> [String] {
        let (disputed, knownAt) = try disputedLine()
        return overview() + happened() + statuses() + debts() + findings() + disputed + explore(knownAt: knownAt)
    }

    /// The seed, the population, its period and the run's timings.
    func overview() -> [String] {
        var out: [String] = []
        out.append(
            "subledger \(SubledgerVersion.current) demo: seed \(seed), \(rials(Rials(population.subscribers.count))) subscribers, \(rials(Rials(population.lines.count))) lines"
        )
        out.append(
            "  three years of history of the main population, \(format.day(timeline.windowStart)) to \(format.day(timeline.end)),"
        )
        out.append("  with older lines from \(format.day(timeline.earliest)) (vanity numbers, a ten-year legal entity)")
        out.append(
            "  \(rials(Rials(generation.facts.count))) events generated in \(DemoCommand.seconds(durations.generating)), recorded in \(StoreOptions.shown(path)) in \(DemoCommand.seconds(durations.recording)),"
        )
        out.append(
            "  read back and audited in \(DemoCommand.seconds(durations.auditing)); head #\(rials(Rials(head.position))), hash \(head.hash.hex.prefix(16))… (the same seed gives the same facts; the hash differs from run to run, as personal data are committed under keys made at random, RET-1)"
        )
        out.append("")
        return out
    }

    /// The events of each kind that matter to the rules.
    func happened() -> [String] {
        var out: [String] = []
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
        return out
    }

    /// The lines by status at the end of the demo.
    func statuses() -> [String] {
        var out: [String] = []
        out.append("Lines by status at \(format.day(timeline.end))")
        for (status, count) in report.statusCounts {
            out.append(
                "  " + DemoCommand.pad(status.rawValue, 9) + DemoCommand.left(rials(Rials(count)), 7) + "  "
                    + DemoCommand.statusMeaning(status))
        }
        out.append("")
        return out
    }

    /// Debts, debts left after netting, refunds owed and paid.
    func debts() -> [String] {
        var out: [String] = []
        out.append("Debts and refunds (rials)")
        out.append(
            "  debt on lines not revoked     " + DemoCommand.left(rials(report.totalDebt), 13)
                + " on \(rials(Rials(report.linesInDebt))) lines; overdue \(rials(report.totalOverdue)) on \(rials(Rials(report.linesOverdue))) lines"
        )
        out.append(
            "  debt left after netting       " + DemoCommand.left(rials(report.residualDebt), 13)
                + " on revoked and sold lines (still owed)")
        out.append(
            "  refunds owed                  " + DemoCommand.left(rials(report.refundsDue), 13)
                + " on \(report.linesOwedRefund) line(s) (VAN-3, LEG-2: proceeds and deposits beyond the debt)")
        out.append("  refunds paid                  " + DemoCommand.left(rials(report.refundsPaid), 13))
        out.append("")
        return out
    }

    /// The audit's findings by rule, and whether every violation is one of the demo's mistakes.
    func findings() -> [String] {
        var out: [String] = []
        out.append(
            "Audit findings by rule: \(report.violationCount) violation(s) (rules broken on what was known), \(report.warningCount) warning(s) (SUS-2, facts recorded later, a complaint answered late on purpose: CMP-1)"
        )
        out.append("  rule     violations  warnings")
        for count in report.findingsByRule {
            out.append(
                "  " + DemoCommand.pad(count.rule.rawValue, 7) + DemoCommand.left(String(count.violations), 11)
                    + DemoCommand.left(String(count.warnings), 10))
        }
        let violationLines = Set(report.findings.filter { $0.severity == .violation }.map(\.line))
        out.append(
            "  violations on \(violationLines.count) line(s), all where the demo's operator broke a rule on purpose: \(violationLines.isSubset(of: generation.mistakeLines) ? "yes" : "NO")"
        )
        out.append("")
        return out
    }

    /// The disputed line's replay around its findings, and the time the explore section's
    /// `--known-at` command reads it at (the first recorded time the printout shows).
    func disputedLine() throws -> (lines: [String], knownAt: Timestamp) {
        var out: [String] = []
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
        return (out, replay.entries[window.lowerBound].recordedAt)
    }

    /// The commands to explore further, each with what it shows.
    func explore(knownAt: Timestamp) -> [String] {
        var out: [String] = []
        out.append("Explore further (or export SUBLEDGER_DB=\(DemoCommand.shellWord(StoreOptions.shown(path))) and leave out --db)")
        let rows = commands(knownAt: knownAt)
        let width = rows.map(\.0.count).max() ?? 0
        for (command, meaning) in rows { out.append("  " + DemoCommand.pad(command, width) + "  # " + meaning) }
        return out
    }

    /// The commands of the explore section and what each shows, with this store's `--db`.
    func commands(knownAt: Timestamp) -> [(String, String)] {
        let db = " --db \(DemoCommand.shellWord(StoreOptions.shown(path)))"
        let asOf = " --as-of \(timeline.end.rfc3339)"
        return [
            ("subledger status \(highlights.disputedLine)\(db)\(asOf)", "the disputed line at the end of the demo"),
            (
                "subledger replay \(highlights.disputedLine)\(db) --html replay.html",
                "its whole history: one page with a chart"
            ),
            (
                "subledger replay \(highlights.disputedLine)\(db) --known-at \(knownAt.rfc3339)",
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
    }
}
