import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 9, items 1, 2, 3, 5 and 13: money that never wraps, no facts from the future,
/// NTC-2, one validation for the library and the CLI, the unknown-field message.
@Suite("Issue 9: money limits, future facts, NTC-2, one validation")
struct Issue9DomainTests {
    static let present = Timestamp.at("2025-06-01T00:00:00Z")

    static func ledger() -> (Ledger, ManualClock) {
        let clock = ManualClock(present)
        return (Ledger.inMemory(clock: clock), clock)
    }

    static func badFact(_ body: () throws -> Void) -> (index: Int?, error: FactError)? {
        do { try body() } catch let error as LedgerError {
            if let fact = error.factError { return (error.index, fact) }
        } catch {}
        return nil
    }

    static func usage(_ amount: Rials, at time: String = "2024-06-01T00:00:00Z") -> LedgerFact {
        .on(time, .usageRecorded(UsageRecorded(amount: amount, description: "calls")))
    }

    // MARK: Item 1

    @Test func usageAboveTenToTheFifteenIsRefusedFromSwiftAndFromJSON() throws {
        let (ledger, _) = Self.ledger()
        let refused = Self.badFact { try ledger.record(Given.mobileLine() + [Self.usage(9_223_372_036_854_775_807)]) }
        #expect(refused?.index == 3)
        #expect(refused?.error.field == "data.amount")
        #expect(refused?.error.reason.contains("10^15") == true)
        let json =
            #"{"type":"UsageRecorded","line":"+989121234567","occurredAt":"2024-06-01T00:00:00Z","data":{"amount":9223372036854775807,"description":"x"}}"#
        guard case .object(let object) = try JSONParser.parse(json) else { Issue.record("not an object"); return }
        #expect(throws: FactError.self) { try LedgerFact(input: object) }
        #expect(try ledger.store.head().position == 0)
    }

    @Test func aHistoryThatSumsPastSixtyFourBitsIsRefusedNamingTheLineAndTheEvent() throws {
        let (ledger, _) = Self.ledger()
        let underCount = Int(Rials.max / FactLimits.amountMaximumRials)  // 9,223 events of 10^15 fit
        let under = Given.mobileLine() + (0..<underCount).map { _ in Self.usage(FactLimits.amountMaximumRials) }
        try ledger.record(under)
        let refused = Self.badFact { try ledger.record([Self.usage(FactLimits.amountMaximumRials)]) }
        #expect(refused?.index == 0)
        #expect(refused?.error.reason.contains("line \(Given.number)") == true)
        #expect(refused?.error.reason.contains("beyond 64-bit rials") == true)
        let status = try ledger.status(of: Given.number)
        #expect(status.debt == Rials(underCount) * FactLimits.amountMaximumRials)
        #expect(status.debt > 0)
    }

    // MARK: Item 2

    @Test func aFactDatedMoreThanFiveMinutesAfterThePresentIsRefused() throws {
        let (ledger, _) = Self.ledger()
        try ledger.record(Given.mobileLine())
        let refused = Self.badFact { try ledger.record([Self.usage(5, at: "2025-06-01T00:05:00.001Z")]) }
        #expect(refused?.error.field == "occurredAt")
        #expect(refused?.error.reason.contains("2025-06-01T00:00:00.000Z") == true)
        try ledger.record([Self.usage(5, at: "2025-06-01T00:05:00Z")])
        var validator = try FactStreamValidator(ledger: ledger, mode: .apply)
        let cut = LedgerFact.on(
            "2999-01-01T00:00:00Z",
            .noticeSent(NoticeSent(noticeID: "N", kind: .other, channel: .sms, deadline: nil, fee: 0)))
        #expect(Self.badFact { _ = try validator.admit(cut, index: 0) }?.error.field == "occurredAt")
        #expect(
            Self.badFact {
                try ledger.apply(
                    .sendWrittenWarning(channel: .letter), to: Given.number, at: .at("2025-06-02T00:00:00Z"))
            }?
            .error.field == "occurredAt")
    }

    @Test func statusWithoutAsOfDoesNotCountAFactNotYetOccurred() throws {
        let (ledger, clock) = Self.ledger()
        try ledger.record(Given.mobileLine() + [Self.usage(100), Self.usage(7, at: "2025-06-01T00:04:00Z")])
        #expect(try ledger.status(of: Given.number).debt == 100)
        clock.set(.at("2025-06-01T00:04:00Z"))
        #expect(try ledger.status(of: Given.number).debt == 107)
    }

    // MARK: Item 3 (NTC-2)

    /// The issue's case: a warning sent at a debt of 1,000 (0.3 % of the threshold), the
    /// debt crossing the threshold 2.5 months later, a cut 5 minutes after.
    static let earlyWarning: [LedgerFact] =
        Given.mobileLine() + [
            usage(1_000, at: "2025-01-01T08:00:00Z"),
            .on(
                "2025-01-01T09:00:00Z",
                .noticeSent(
                    NoticeSent(
                        noticeID: "W-1", kind: .thresholdWarning, channel: .sms,
                        deadline: .at("2025-01-02T09:00:00Z"), fee: 0))),
            usage(300_000, at: "2025-03-16T08:00:00Z"),
        ]

    @Test func NTC2_givenAWarningSentBeforeItWasDue_whenTheLineIsCut_thenApplyRefusesWithCUT1AndTheAuditFlagsNTC2()
        throws
    {
        let (ledger, _) = Self.ledger()
        try ledger.record(Self.earlyWarning)
        do {
            try ledger.apply(
                .cut(direction: .oneWay, reason: .threshold), to: Given.number, at: .at("2025-03-16T08:05:00Z"))
            Issue.record("the cut was applied")
        } catch {
            guard let violation = error.violation else { Issue.record("\(error)"); return }
            #expect(violation.rule == "CUT-1")
            #expect(violation.reason.contains("NTC-2"))
        }
        try ledger.record([
            .on(
                "2025-03-16T08:04:00Z",
                .noticeSent(NoticeSent(noticeID: "C-1", kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0))),
            .on(
                "2025-03-16T08:05:00Z",
                .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: Given.number.text))),
        ])
        let findings = try ledger.audit(line: Given.number).filter { $0.severity == .violation }
        #expect(findings.contains { $0.rule == "NTC-2" && $0.message.contains("1000") })
        #expect(findings.contains { $0.rule == "CUT-1" && $0.message.contains("W-1") })
    }

    @Test func NTC2_aNoticeWithoutADeadlineOrWithAShortOneSupportsNoCut() {
        let usage = CutRuleTests.usage
        for deadline in [nil, "2025-02-03T18:09:59Z"] {
            let given = Given(Given.mobileLine() + [usage, CutRuleTests.notice(deadline: deadline)])
            let result = given.when(CutRuleTests.thresholdCut, at: "2025-02-05T00:00:00Z")
            #expect(result.refusedRule == "CUT-1", "deadline \(deadline ?? "none")")
            let judged = Given(Given.mobileLine() + [usage]).judge(
                CutRuleTests.notice(deadline: deadline).event, at: "2025-02-02T18:10:00Z")
            #expect(judged.contains { $0.rule == "NTC-2" && $0.isForbidden })
        }
        let lawful = Given(Given.mobileLine() + [usage, CutRuleTests.notice()])
        #expect(lawful.when(CutRuleTests.thresholdCut, at: "2025-02-05T00:00:00Z").isAllowed)
    }

    // MARK: Item 5

    @Test(arguments: ["not a number", "09121234567"])
    func recordRefusesALineNumberThatIsNotE164(_ number: String) throws {
        let (ledger, _) = Self.ledger()
        let fact = LedgerFact.line(
            LineNumber(stored: number), .at("2024-06-01T00:00:00Z"),
            .usageRecorded(UsageRecorded(amount: 5, description: "x")))
        #expect(Self.badFact { try ledger.record([fact]) }?.error.field == "line")
        #expect(try ledger.store.head().position == 0)
    }

    @Test func aStoresOwnEventsReadBackAsInput() throws {
        let (ledger, _) = Self.ledger()
        try ledger.record(Self.earlyWarning)
        let (copy, _) = Self.ledger()
        for recorded in try ledger.store.events(from: 1, limit: 100) {
            let fact = try RecordedFact(recorded).fact
            try fact.checkContent()
            try copy.record([
                LedgerFact(stream: fact.stream, occurredAt: fact.occurredAt, event: fact.event, metadata: fact.metadata)
            ])
        }
        #expect(try copy.status(of: Given.number).debt == 301_000)
    }

    // MARK: Item 13

    @Test func anUnknownFieldIsNotAFieldOfTheInputFormat_aStoreAssignedOneSaysSo() throws {
        func refusal(_ extra: String) throws -> FactError? {
            let json =
                #"{"type":"UsageRecorded","line":"+989121234567","occurredAt":"2024-06-01T00:00:00Z","data":{"amount":5,"description":"x"},"#
                + extra + "}"
            guard case .object(let object) = try JSONParser.parse(json) else { return nil }
            do { _ = try LedgerFact(input: object) } catch { return error }
            return nil
        }
        let foo = try refusal(#""foo":1"#)
        #expect(foo?.field == "foo")
        #expect(foo?.reason == "is not a field of the input format (interchange.md)")
        // Issue 10: import takes an export's store-assigned fields (the store checks them);
        // one that cannot be what the store assigns is refused naming it.
        for name in ["position", "streamVersion", "prevHash", "hash", "streamPrevHash"] {
            let assigned = try refusal("\"\(name)\":\"x\"")
            #expect(assigned?.field == name)
            #expect(assigned?.reason.contains("as the store assigns it") == true, "\(assigned?.reason ?? "")")
        }
        #expect(try refusal(#""position":1,"streamVersion":1,"hash":"\#(String(repeating: "ab", count: 32))""#) == nil)
    }

    /// Issue 10: an export's line carries its store-assigned fields into the fact, for the
    /// store to check; `apply` refuses them, naming the first.
    @Test func storeAssignedFieldsAreReadForImportAndRefusedByApply() throws {
        let hash = String(repeating: "0f", count: 32)
        let json =
            #"{"type":"UsageRecorded","line":"+989121234567","occurredAt":"2024-06-01T00:00:00Z","data":{"amount":5,"description":"x"},"streamVersion":2,"streamPrevHash":""#
            + hash + #""}"#
        guard case .object(let object) = try JSONParser.parse(json) else { return }
        let fact = try LedgerFact(input: object)
        #expect(fact.assigned == AssignedFields(streamVersion: 2, streamPreviousHash: ChainHash(hex: hash)))
        #expect(fact.proposedEvent().assigned == fact.assigned)
        let ledger = Ledger.inMemory()
        var validator = try FactStreamValidator(ledger: ledger, mode: .apply)
        let error = #expect(throws: LedgerError.self) { _ = try validator.admit(fact, index: 0) }
        guard let problem = error?.factError else {
            Issue.record("not a bad fact: \(String(describing: error))")
            return
        }
        #expect(problem.field == "streamVersion")
        #expect(problem.reason.contains("is not an input field of apply: the store assigns it"), "\(problem.reason)")
    }
}
