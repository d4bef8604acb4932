import Foundation
import Testing
import SubledgerLedger
import SubledgerReports
import SubledgerStore
import SubledgerStoreTesting

/// `replay`: one entry per event with the state after it, the rules' judgements under each
/// operator action, the findings; shown as text, JSON and one self-contained HTML page.
@Suite("Replay")
struct ReplayTests {
    let line: LineNumber = "+989351112233"

    func ledger(_ facts: [LedgerFact]? = nil) throws -> Ledger {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try ledger.record(try facts ?? WorkedExample.facts())
        return ledger
    }

    /// The worked example with its cut moved before 24 hours from delivery: a CUT-1 violation.
    func cutTooEarly() throws -> [LedgerFact] {
        var facts = try WorkedExample.facts()
        facts[7].occurredAt = .at("2025-02-03T18:10:02Z")
        facts[8].occurredAt = .at("2025-02-03T18:10:02Z")
        return facts
    }

    @Test func oneEntryPerEventWithTheStateAfterIt() throws {
        let replay = try ledger().replay(of: line)
        #expect(replay.entries.map(\.position) == Array(3...11))
        #expect(
            replay.entries.map(\.type) == [
                .lineActivated, .usageRecorded, .noticeSent, .noticeDelivered, .usageRecorded,
                .noticeSent, .lineSuspended, .paymentReceived, .lineRestored,
            ])
        let cut = try #require(replay.entries.first { $0.type == .lineSuspended })
        #expect(cut.state.status == .oneWay)
        #expect(cut.state.debt == 315_000)
        #expect(cut.state.threshold == 300_000)
        #expect(replay.entries.last?.state.status == .active)
        #expect(replay.entries.last?.state.debt == 0)
        #expect(replay.owner?.registration.subscriberID == "S-100")
    }

    @Test func operatorActionsCarryTheRulesThatAllowedThem() throws {
        let replay = try ledger().replay(of: line)
        let cut = try #require(replay.entries.first { $0.type == .lineSuspended })
        #expect(cut.judgements.contains { $0.rule == "CUT-1" && $0.verdict == .allowed && $0.edition == "2021" })
        let forbidden = cut.judgements.filter(\.isForbidden)
        #expect(forbidden.isEmpty)
        // Facts of the subscriber and the network are not judged.
        #expect(replay.entries.first { $0.type == .paymentReceived }?.judgements.isEmpty == true)
        #expect(replay.findings.isEmpty)
    }

    @Test func aForbiddenActionShowsTheRuleAndTheViolation() throws {
        let replay = try ledger(cutTooEarly()).replay(of: line)
        let cut = try #require(replay.entries.first { $0.type == .lineSuspended })
        #expect(cut.judgements.contains { $0.rule == "CUT-1" && $0.isForbidden })
        #expect(cut.findings.contains { $0.rule == "CUT-1" && $0.severity == .violation })
        #expect(replay.violationCount >= 1)
    }

    @Test func viewsLimitTheEntries() throws {
        let ledger = try ledger()
        let asOf = try ledger.replay(of: line, view: .init(asOf: .at("2025-02-03T20:00:00Z")))
        #expect(asOf.entries.count == 7)
        #expect(asOf.finalState?.status == .oneWay)
        let events = try ledger.store.events(from: 1)
        let knownAt = try ledger.replay(of: line, view: .init(knownAt: events[4].recordedAt))
        #expect(knownAt.entries.allSatisfy { $0.recordedAt <= events[4].recordedAt })
    }

    @Test func textShowsTehranTimeBothDatesGroupedAmountsAndRules() throws {
        let text = ReplayText().render(try ledger().replay(of: line))
        #expect(text.contains("1403-11-15 21:40 Tehran (2025-02-03)"))
        #expect(text.contains("315,000"))
        #expect(text.contains("✔ CUT-1 (2021): notice N-7"))
        #expect(!text.contains("2025-02-03T"))
        let violating = ReplayText().render(try ledger(cutTooEarly()).replay(of: line))
        #expect(violating.contains("✘ CUT-1 (2021)"))
        #expect(violating.contains("VIOLATION"))
    }

    @Test func jsonIsOneDocumentWithEveryEntry() throws {
        let replay = try ledger().replay(of: line)
        let text = String(decoding: CanonicalJSON.encode(replay.json()), as: UTF8.self)
        guard case .object(let document) = try JSONParser.parse(text) else { Issue.record("not an object"); return }
        guard case .array(let entries)? = document["entries"] else { Issue.record("no entries"); return }
        #expect(entries.count == 9)
        guard case .object(let cut) = entries[6], case .object(let state)? = cut["state"] else {
            Issue.record("no state"); return
        }
        #expect(state["status"] == .string("oneWay"))
        #expect(state["debt"] == .integer(315_000))
        #expect(cut["type"] == .string("LineSuspended"))
        #expect(cut["judgements"].map { if case .array(let items) = $0 { !items.isEmpty } else { false } } == true)
    }

    @Test func htmlIsSelfContainedWithTheChartAndEveryEvent() throws {
        for facts in [try WorkedExample.facts(), try cutTooEarly()] {
            let replay = try ledger(facts).replay(of: line)
            let html = ReplayHTML().render(replay)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            for external in ["http://", "https://", "src=", "<script", "@import", "url(", "<link"] {
                #expect(!html.contains(external), "the page refers to something outside it: \(external)")
            }
            #expect(html.contains("<svg"))
            #expect(html.contains("<polyline class=\"debt\""))
            #expect(html.contains("<polyline class=\"threshold\""))
            #expect(html.contains("class=\"mark cut\""))
            #expect(html.contains("class=\"mark notice thresholdNotice\""))
            for entry in replay.entries {
                #expect(html.contains("<tr id=\"e\(entry.position)\""), "event \(entry.position) is missing")
            }
            #expect(html.contains("1403-11-15 21:40 Tehran (2025-02-03)"))
        }
        let violating = ReplayHTML().render(try ledger(cutTooEarly()).replay(of: line))
        #expect(violating.contains("class=\"mark finding violation\""))
        #expect(violating.contains("<li class=\"violation\">"))
    }

    @Test func displayFormat() {
        #expect(DisplayFormat.rials(0) == "0")
        #expect(DisplayFormat.rials(999) == "999")
        #expect(DisplayFormat.rials(315_000) == "315,000")
        #expect(DisplayFormat.rials(-1_234_567) == "-1,234,567")
        let format = DisplayFormat()
        #expect(format.time(.at("2025-02-03T18:10:00Z")) == "1403-11-15 21:40 Tehran (2025-02-03)")
        #expect(format.time(.at("2025-02-03T18:10:04Z")) == "1403-11-15 21:40:04 Tehran (2025-02-03)")
        #expect(
            format.humanize(
                "notice N-7, deadline 2025-02-03T18:10:04.000Z passed, unpaid usage 315000 ≥ threshold 300000")
                == "notice N-7, deadline 1403-11-15 21:40:04 Tehran (2025-02-03) passed, unpaid usage 315,000 ≥ threshold 300,000"
        )
        #expect(
            format.humanize("line +989351112233, notice thresholdWarning-1738606200000, 12 months")
                == "line +989351112233, notice thresholdWarning-1738606200000, 12 months")
    }
}
