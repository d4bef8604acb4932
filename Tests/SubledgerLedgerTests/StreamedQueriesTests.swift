import Testing
import SubledgerDemo
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// `due`, `audit` and `subscriber` stream the log line by line (issue 13, "Also"): their
/// answers are those of the whole log held in memory (`allHistories()`, kept here as the
/// reference), lines in the byte order of their numbers.
@Suite("Queries streamed line by line")
struct StreamedQueriesTests {
    static let clock = ManualClock(.at("2035-01-01T00:00:00Z"))

    static func demoLedger() throws -> Ledger {
        let ledger = Ledger.inMemory(clock: clock)
        try DemoGenerator.record(StoredProjectionLedgerTests.generation, into: ledger.store)
        return ledger
    }

    @Test func everyLineIsVisitedOnceInTheOrderOfItsNumber() throws {
        let ledger = try Self.demoLedger()
        var visited: [LineHistory] = []
        try ledger.forEachLineHistory { visited.append($0) }
        let reference = try ledger.allHistories()
        #expect(reference.count > 10)
        #expect(visited.map(\.number) == reference.map(\.number).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for history in visited {
            let held = try #require(reference.first { $0.number == history.number })
            #expect(history.facts == held.facts, "line \(history.number)")
            #expect(
                history.subscriberFacts.map(\.position) == held.subscriberFacts.map(\.position).sorted(),
                "line \(history.number)")
        }
    }

    @Test(arguments: ["2024-06-01T00:00:00Z", "2026-01-01T00:00:00Z", "2035-01-01T00:00:00Z"])
    func dueIsTheWorkListOfTheWholeLogByLineNumber(_ at: String) throws {
        let ledger = try Self.demoLedger()
        let time = Timestamp.at(at)
        let editions = try ledger.knownEditions().known(at: time)
        var reference: [(line: String, entries: [DueAction])] = []
        for history in try ledger.allHistories() {
            let view = LineHistory.View(asOf: time)
            guard let state = try? history.state(view) else { continue }
            let entries = WorkList.due(
                line: state, subscriber: (try? history.subscriber(view)) ?? nil, at: time, editions: editions,
                calendar: ledger.calendar)
            reference.append((history.number, entries))
        }
        reference.sort { $0.line.utf8.lexicographicallyPrecedes($1.line.utf8) }
        let due = try ledger.due(at: time)
        let erasures = due.filter { $0.action == .erase }
        #expect(Array(due.dropLast(erasures.count)) == reference.flatMap(\.entries))
        #expect(erasures.map { $0.subscriber ?? "" } == erasures.map { $0.subscriber ?? "" }.sorted())
    }

    @Test func theAuditFindsWhatTheWholeLogInMemoryFinds() throws {
        let ledger = try Self.demoLedger()
        let now = Self.clock.now()
        let editions = try ledger.knownEditions()
        let histories = try ledger.allHistories()
        var reference = try Auditor.audit(histories, editions: editions, calendar: ledger.calendar)
        reference += try histories.flatMap { history in
            try Auditor.stillCut(history, at: now, editions: editions)
                + Auditor.unansweredComplaints(history, at: now, editions: editions, calendar: ledger.calendar)
        }
        let findings = try ledger.audit()
        #expect(!findings.isEmpty)
        #expect(findings == reference.sorted { ($0.position, $0.rule) < ($1.position, $1.rule) })
        let one = try #require(histories.first { history in findings.contains { $0.line == history.number } })
        #expect(try ledger.audit(line: one.line) == findings.filter { $0.line == one.number })
    }

    @Test func aLineIsReadWhenItIsVisitedNotBefore() throws {
        let ledger = try Self.demoLedger()
        var numbers: [String] = []
        try ledger.forEachLineHistory { numbers.append($0.number) }
        // The last line (by number) still open, to take one more usage.
        let last = try #require(numbers.dropFirst().last { try !ledger.state(of: LineNumber(stored: $0)).hasEnded })
        let state = try ledger.state(of: LineNumber(stored: last))
        let usage = LedgerFact.line(
            LineNumber(stored: last), state.latestOccurredAt.adding(seconds: 60),
            .usageRecorded(UsageRecorded(amount: 7, description: "recorded while the first line was visited")))
        var seenLast: LineHistory?
        try ledger.forEachLineHistory { history throws(LedgerError) in
            // Recorded between two visits: no read spans the body, and the later line is read after it.
            if history.number == numbers.first { try ledger.record([usage]) }
            if history.number == last { seenLast = history }
        }
        let facts = try #require(seenLast).facts
        #expect(facts.last?.event == usage.event, "the last line was read before the first line's visit")
    }
}
