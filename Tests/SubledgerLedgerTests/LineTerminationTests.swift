import Foundation
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// `LineTerminated` (issue 10, item 1; interchange.md's line catalog): the subscription
/// ends at the subscriber's request, by non-renewal or otherwise. The line's status is
/// `terminated`, it takes no more service (GEN-4, as a revoked line), and RET-1's
/// retention counts from it as from a revocation or a sale.
@Suite("LineTerminated: status terminated, GEN-4 after it, RET-1 counted from it")
struct LineTerminationTests {
    static let clock = ManualClock(.at("2030-01-01T00:00:00Z"))

    static func terminated(
        _ reason: LineTerminated.Reason = .subscriberRequest, at time: String = "2024-06-01T08:00:00Z"
    ) -> [LedgerFact] {
        Given.mobileLine() + [.on(time, .lineTerminated(LineTerminated(reason: reason)))]
    }

    @Test func lineTerminatedReadsWritesAndRefusesAnUnknownReason() throws {
        for reason in LineTerminated.Reason.allCases {
            let event = LedgerEvent.lineTerminated(LineTerminated(reason: reason))
            #expect(event.type.rawValue == "LineTerminated")
            #expect(event.data == ["reason": .string(reason.rawValue)])
            #expect(try LedgerEvent(type: .lineTerminated, data: event.data) == event)
        }
        let unknown = #expect(throws: FactError.self) {
            try LedgerEvent(type: .lineTerminated, data: ["reason": .string("bored")])
        }
        #expect(unknown?.field == "data.reason")
        let missing = #expect(throws: FactError.self) { try LedgerEvent(type: .lineTerminated, data: [:]) }
        #expect(missing?.field == "data.reason")
        // It belongs to a line's stream.
        let onSubscriber = LedgerFact(
            stream: .subscriber("S-1"), occurredAt: .at("2024-06-01T08:00:00Z"),
            event: .lineTerminated(LineTerminated(reason: .other)))
        #expect(throws: FactError.self) { try onSubscriber.checkContent() }
    }

    @Test func givenAnActiveLineWhenTerminatedThenItsStatusIsTerminatedSinceThen() {
        let line = Given(Self.terminated(.nonRenewal)).line
        #expect(line.status == .terminated)
        #expect(line.terminatedAt == .at("2024-06-01T08:00:00Z"))
        #expect(line.statusSince == .at("2024-06-01T08:00:00Z"))
        #expect(
            line.hasEnded && !line.isClosed,
            "terminated is an end, but not a netting (VAN-3, LEG-2 net revoked or sold lines)")
        #expect(line.endedAt == .at("2024-06-01T08:00:00Z"))
        #expect(Given(Given.mobileLine()).line.endedAt == nil)
    }

    @Test func GEN4_givenATerminatedLineWhenCutRestoredOrInvoicedThenTheAuditForbidsIt() {
        let given = Given(Self.terminated())
        let cut = given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: Given.number.text)),
            at: "2024-07-01T00:00:00Z")
        #expect(cut.map(\.rule) == ["GEN-4"])
        #expect(cut.first?.verdict == .forbidden)
        #expect(cut.first?.reason.contains("is terminated") == true)
        let restored = given.judge(.lineRestored(LineRestored(reconnectionFee: 0)), at: "2024-07-01T00:00:00Z")
        #expect(restored.map(\.rule) == ["GEN-4"])
        // The same line before its termination: the cut is judged by the cut rules, not GEN-4.
        let before = Given(Given.mobileLine()).judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: Given.number.text)),
            at: "2024-07-01T00:00:00Z")
        #expect(!before.map(\.rule).contains("GEN-4"))
    }

    @Test func givenATerminatedLineThenUsageIsStillAFactAndNothingIsDueOnIt() throws {
        // As for a revoked line: usage after the end is recorded (the audit reads it), but
        // the work list owes no notice or cut on a line whose subscription has ended.
        let facts =
            Self.terminated() + [
                .on("2024-06-02T08:00:00Z", .usageRecorded(UsageRecorded(amount: 900_000_000, description: "late CDR")))
            ]
        let line = Given(facts).line
        #expect(line.usage == 900_000_000)
        #expect(line.status == .terminated)
        let due = WorkList.due(
            line: line, subscriber: Given(facts).subscriber, at: .at("2025-01-01T00:00:00Z"),
            editions: .builtIn, calendar: .standard)
        #expect(due.isEmpty)
        // The same debt on an active line is owed a notice (NTC-1): the emptiness above is the termination's.
        let active = Given(Given.mobileLine() + [facts.last!]).line
        #expect(
            !WorkList.due(
                line: active, subscriber: Given(facts).subscriber, at: .at("2025-01-01T00:00:00Z"),
                editions: .builtIn, calendar: .standard
            ).isEmpty)
    }

    @Test func givenATerminatedLineWhenActivatedAgainThenANewSubscriptionBegins() throws {
        let again = LedgerFact.on(
            "2025-01-01T08:00:00Z",
            .lineActivated(
                LineActivated(
                    subscriberID: "S-2", service: .mobile, plan: .deposit,
                    connectionFee: 0, vanityPremium: 0)))
        let line = Given(Self.terminated() + [again]).line
        #expect(line.status == .active && line.subscriberID == "S-2" && line.terminatedAt == nil)
        // A second activation of an active line is still bad input.
        #expect(throws: FactError.self) {
            try LineState.checkedEvolve(Given(Given.mobileLine()).line, again, position: 4)
        }
    }

    /// A ledger of S-1 with `lines`: each a number and the fact that ends it (nil: active).
    static func ledger(_ lines: [(String, LedgerFact?)]) throws -> Ledger {
        let ledger = Ledger.inMemory()
        var facts = [
            LedgerFact(
                stream: .subscriber("S-1"), occurredAt: .at("2023-01-01T08:00:00Z"),
                event: .subscriberRegistered(
                    SubscriberRegistered(
                        subscriberID: "S-1", kind: .individual, governmental: false,
                        name: "Sara Ended", nationalID: "0098765432")))
        ]
        for (number, end) in lines {
            facts.append(
                .line(
                    LineNumber(stored: number), .at("2023-01-02T08:00:00Z"),
                    .lineActivated(
                        LineActivated(
                            subscriberID: "S-1", service: .mobile, plan: .deposit,
                            connectionFee: 0, vanityPremium: 0))))
            if let end { facts.append(LedgerFact(stream: .line(number), occurredAt: end.occurredAt, event: end.event)) }
        }
        try ledger.record(facts.sorted { $0.occurredAt < $1.occurredAt })
        return ledger
    }

    /// 1403-01-15 12:00 Tehran (2024-04-03T08:30Z) + 6 Solar Hijri months: 1403-07-15 12:00
    /// Tehran, 2024-10-06T08:30Z (Tehran keeps +03:30 since 2022).
    @Test func RET1_givenTheLastLineTerminatedThenEraseIsDueSixSolarHijriMonthsLaterToTheSecond() throws {
        let ended = Timestamp.at("2024-04-03T08:30:00Z")
        let ledger = try Self.ledger([
            ("+989121111111", .on(ended.rfc3339, .lineTerminated(LineTerminated(reason: .subscriberRequest))))
        ])
        let until = try #require(TehranCalendar.standard.timestamp(year: 1403, month: 7, day: 15, hour: 12))
        #expect(until == .at("2024-10-06T08:30:00Z"))
        #expect(try ledger.due(at: until.adding(seconds: -1)).filter { $0.action == .erase }.isEmpty)
        #expect(
            try ledger.due(at: until).filter { $0.action == .erase }
                == [DueAction(line: "+989121111111", action: .erase, rule: "RET-1", since: until, subscriber: "S-1")])
        #expect(try ledger.eraseDue(at: until.adding(seconds: -1)).isEmpty)
        #expect(try ledger.eraseDue(at: until) == ["S-1"])
        #expect(try ledger.subscriber("S-1").erasedAt == until)
    }

    @Test func RET1_givenOneLineTerminatedAndOneStillActiveThenEraseIsNotDue() throws {
        let ledger = try Self.ledger([
            ("+989121111111", .on("2024-04-03T08:30:00Z", .lineTerminated(LineTerminated(reason: .nonRenewal)))),
            ("+989122222222", nil),
        ])
        #expect(try ledger.due(at: .at("2029-01-01T00:00:00Z")).filter { $0.action == .erase }.isEmpty)
        #expect(try ledger.eraseDue(at: .at("2029-01-01T00:00:00Z")).isEmpty)
    }

    @Test func RET1_givenOneLineTerminatedAndOneRevokedLaterThenTheLaterEndCounts() throws {
        let ledger = try Self.ledger([
            ("+989121111111", .on("2024-04-03T08:30:00Z", .lineTerminated(LineTerminated(reason: .other)))),
            ("+989122222222", .on("2024-05-03T08:30:00Z", .lineRevoked(LineRevoked(reason: "ended")))),
        ])
        // 1403-02-14 12:00 Tehran + 6 months = 1403-08-14 12:00 Tehran.
        let until = try #require(TehranCalendar.standard.timestamp(year: 1403, month: 8, day: 14, hour: 12))
        #expect(try ledger.due(at: until.adding(seconds: -1)).filter { $0.action == .erase }.isEmpty)
        #expect(try ledger.due(at: until).filter { $0.action == .erase }.map(\.line) == ["+989122222222"])
        // And the other way round: the termination is the later end.
        let reversed = try Self.ledger([
            ("+989121111111", .on("2024-05-03T08:30:00Z", .lineTerminated(LineTerminated(reason: .other)))),
            ("+989122222222", .on("2024-04-03T08:30:00Z", .lineRevoked(LineRevoked(reason: "ended")))),
        ])
        #expect(try reversed.due(at: until.adding(seconds: -1)).filter { $0.action == .erase }.isEmpty)
        #expect(try reversed.due(at: until).filter { $0.action == .erase }.map(\.line) == ["+989121111111"])
    }

    @Test func aTerminatedLineIsStoredAndReadBackFromTheProjectionAsFolded() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "subledger-terminated-\(UUID().uuidString)"
        ).path
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: StoreKeyFile.defaultPath(forStoreAt: folder))
        }
        let facts = Self.terminated(.nonRenewal)
        do { try Ledger.open(at: folder, clock: Self.clock).record(facts) }
        let reopened = try Ledger.open(at: folder, clock: Self.clock)
        let stored = try reopened.state(of: Given.number)
        #expect(stored == Given(facts).line)
        #expect(stored.status == .terminated && stored.terminatedAt == .at("2024-06-01T08:00:00Z"))
        #expect(try reopened.status(of: Given.number).status == .terminated)
        #expect(try reopened.rebuildProjections().identicalToPrevious)
    }
}
