import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// spec/examples/README.md (the copy in Tests/Fixtures/spec-examples), asserted through the library.
@Suite("Worked example: threshold cut")
struct WorkedExampleTests {
    let line: LineNumber = "+989351112233"

    func ledger() throws -> Ledger {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try ledger.record(try WorkedExample.facts())
        return ledger
    }

    @Test func statusAsOfTheCutIsOneWayWithTheDebt() throws {
        let status = try ledger().status(of: line, view: .init(asOf: .at("2025-02-03T20:00:00Z")))
        #expect(status.status == .oneWay)
        #expect(status.debt == 315_000)
        #expect(status.threshold == 300_000)
        #expect(status.credit == 0)
    }

    @Test func statusNowIsActiveAndPaid() throws {
        let status = try ledger().status(of: line)
        #expect(status.status == .active)
        #expect(status.debt == 0)
    }

    @Test func auditHasNoViolation() throws {
        let findings = try ledger().audit()
        #expect(!findings.contains { $0.severity == .violation }, "\(findings)")
    }

    @Test func exportHasElevenChainedEvents() throws {
        let events = try ledger().store.events(from: 1)
        #expect(events.map(\.position) == Array(1...11))
        #expect(try ledger().store.verify().isValid)
    }

    @Test func aCutBeforeTwentyFourHoursFromDeliveryIsACUT1Violation() throws {
        var facts = try WorkedExample.facts()
        // The cut (and its notice) at 18:10:02: after the written deadline, before delivery + 24 h.
        facts[7].occurredAt = .at("2025-02-03T18:10:02Z")
        facts[8].occurredAt = .at("2025-02-03T18:10:02Z")
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try ledger.record(facts)
        let findings = try ledger.audit()
        #expect(findings.contains { $0.rule == "CUT-1" && $0.severity == .violation }, "\(findings)")
        // apply refuses the same cut.
        let refusing = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try refusing.record(Array(try WorkedExample.facts()[0..<7]))
        #expect {
            try refusing.apply([
                .line(
                    line, .at("2025-02-03T18:10:02Z"),
                    .noticeSent(NoticeSent(noticeID: "N-8", kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0))),
                .line(
                    line, .at("2025-02-03T18:10:02Z"),
                    .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: line.text))),
            ])
        } throws: { error in
            guard let error = error as? LedgerError, let violation = error.violation else {
                return false
            }
            return violation.rule == "CUT-1" && error.index == 1
        }
        #expect(try refusing.store.head().position == 7)
    }
}
