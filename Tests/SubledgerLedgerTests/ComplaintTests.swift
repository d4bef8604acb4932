import Foundation
import SubledgerLedger
import SubledgerReports
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// CMP-1 (issue 11, item 10): `ComplaintFiled` and `ComplaintAnswered` on the line's stream;
/// `due` lists `answer`; the audit warns on a complaint answered after, or still unanswered
/// after, `complaintAnswerDays` (15) counted as TIME-1 counts a period in days from a date:
/// to the end (23:59:59 Tehran) of the fifteenth calendar day after the day of filing.
@Suite("CMP-1: complaints, their answers, due's answer and the audit's warning")
struct ComplaintTests {
    /// 1402-11-10 18:00 Tehran (+03:30): a complaint filed then may be answered until
    /// 1402-11-25 23:59:59 Tehran, 2024-02-14T20:29:59Z.
    static let filedAt = "2024-01-30T14:30:00Z"
    static let deadline = Timestamp.at("2024-02-14T20:29:59Z")

    static func filed(
        _ id: String = "C-1", about: ComplaintFiled.About = .invoice, position: UInt64? = nil,
        at time: String = filedAt
    ) -> LedgerFact {
        .on(time, .complaintFiled(ComplaintFiled(complaintID: id, about: about, channel: .call, position: position)))
    }

    static func answered(_ id: String, _ outcome: ComplaintAnswered.Outcome = .upheld, at time: String) -> LedgerFact {
        .on(time, .complaintAnswered(ComplaintAnswered(complaintID: id, outcome: outcome)))
    }

    static func answered(_ outcome: ComplaintAnswered.Outcome = .upheld, at time: String) -> LedgerFact {
        answered("C-1", outcome, at: time)
    }

    // MARK: The events

    @Test func CMP1_complaintEventsReadWriteAndRefuseWhatCannotBeAFact() throws {
        let filed = LedgerEvent.complaintFiled(
            ComplaintFiled(complaintID: "C-1", about: .cut, channel: .app, position: 7))
        #expect(filed.type.rawValue == "ComplaintFiled" && !filed.type.isOperatorAction)
        #expect(
            filed.data == [
                "complaintId": .string("C-1"), "about": .string("cut"), "channel": .string("app"),
                "position": .integer(7),
            ])
        #expect(try LedgerEvent(type: .complaintFiled, data: filed.data) == filed)
        let withoutPosition = LedgerEvent.complaintFiled(
            ComplaintFiled(complaintID: "C-2", about: .other, channel: .sms))
        #expect(withoutPosition.data["position"] == nil)
        #expect(try LedgerEvent(type: .complaintFiled, data: withoutPosition.data) == withoutPosition)
        let answer = LedgerEvent.complaintAnswered(ComplaintAnswered(complaintID: "C-1", outcome: .partial))
        #expect(answer.type.rawValue == "ComplaintAnswered" && answer.type.isOperatorAction)
        #expect(try LedgerEvent(type: .complaintAnswered, data: answer.data) == answer)

        var data = filed.data
        data["about"] = .string("weather")
        #expect(
            #expect(throws: FactError.self) { try LedgerEvent(type: .complaintFiled, data: data) }?.field
                == "data.about")
        data = filed.data
        data["position"] = .integer(0)
        #expect(
            #expect(throws: FactError.self) { try LedgerEvent(type: .complaintFiled, data: data) }?.field
                == "data.position")
        data["position"] = .string("7")
        #expect(
            #expect(throws: FactError.self) { try LedgerEvent(type: .complaintFiled, data: data) }?.field
                == "data.position")
        var answerData = answer.data
        answerData["outcome"] = .string("ignored")
        #expect(
            #expect(throws: FactError.self) { try LedgerEvent(type: .complaintAnswered, data: answerData) }?.field
                == "data.outcome")
        answerData = answer.data
        answerData["complaintId"] = .string("")
        #expect(
            #expect(throws: FactError.self) { try LedgerEvent(type: .complaintAnswered, data: answerData) }?.field
                == "data.complaintId")
    }

    // MARK: The fold

    @Test func CMP1_givenAComplaintWhenAnsweredThenTheLineKeepsBothTimesAndNoneIsOpen() {
        let given = Given(Given.mobileLine() + [Self.filed(), Self.answered(.rejected, at: "2024-02-03T08:00:00Z")])
        let complaint = given.line.complaint("C-1")
        #expect(complaint?.filedAt == .at(Self.filedAt))
        #expect(complaint?.answeredAt == .at("2024-02-03T08:00:00Z") && complaint?.outcome == .rejected)
        #expect(complaint?.position == 4 && complaint?.answerPosition == 5)
        #expect(given.line.openComplaints.isEmpty)
        #expect(Given(Given.mobileLine() + [Self.filed()]).line.openComplaints.count == 1)
    }

    @Test func CMP1_aSecondComplaintWithTheSameIdASecondAnswerAndAnAnswerToNoComplaintAreRefused() {
        let line = Given(Given.mobileLine() + [Self.filed()]).line
        let again = #expect(throws: FactError.self) { try LineState.checkedEvolve(line, Self.filed(), position: 5) }
        #expect(again?.field == "data.complaintId")
        let unknown = #expect(throws: FactError.self) {
            try LineState.checkedEvolve(line, Self.answered("C-9", at: "2024-02-01T08:00:00Z"), position: 5)
        }
        #expect(unknown?.field == "data.complaintId" && unknown?.reason.contains("no complaint C-9") == true)
        let answeredLine = Given(Given.mobileLine() + [Self.filed(), Self.answered(at: "2024-02-01T08:00:00Z")]).line
        let second = #expect(throws: FactError.self) {
            try LineState.checkedEvolve(answeredLine, Self.answered(.partial, at: "2024-02-02T08:00:00Z"), position: 6)
        }
        #expect(second?.field == "data.complaintId" && second?.reason.contains("second answer") == true)
    }

    @Test func CMP1_anAnswerBeforeItsComplaintAndAPositionNotBeforeTheComplaintAreRefused() {
        let line = Given(Given.mobileLine() + [Self.filed()]).line
        let early = #expect(throws: FactError.self) {
            try LineState.checkedEvolve(line, Self.answered(at: "2024-01-30T14:29:59Z"), position: 5)
        }
        #expect(early?.field == "occurredAt")
        // One second later: at the filing itself, the answer is a fact.
        #expect(throws: Never.self) { try LineState.checkedEvolve(line, Self.answered(at: Self.filedAt), position: 5) }
        let base = Given(Given.mobileLine()).line
        let itself = #expect(throws: FactError.self) {
            try LineState.checkedEvolve(base, Self.filed(position: 4), position: 4)
        }
        #expect(itself?.field == "data.position")
        #expect(throws: Never.self) { try LineState.checkedEvolve(base, Self.filed(position: 3), position: 4) }
    }

    @Test func CMP1_aComplaintOrAnAnswerRecordedAfterALaterFactTakesItsPlaceInTheOrderOfOccurrence() throws {
        let usage = LedgerFact.on(
            "2024-02-05T08:00:00Z", .usageRecorded(UsageRecorded(amount: 10_000, description: "calls")))
        let late = Given(Given.mobileLine() + [usage, Self.filed(), Self.answered(at: "2024-02-01T08:00:00Z")]).line
        #expect(late.complaint("C-1")?.isAnswered == true && late.foldedOutOfOrder)
        // A late cut is still refused: only facts that change no other may come late.
        let cut = LedgerFact.on(
            "2024-02-01T08:00:00Z", .lineSuspended(LineSuspended(direction: .oneWay, reason: .kyc, debtLine: nil)))
        #expect(throws: FactError.self) {
            try LineState.checkedEvolve(Given(Given.mobileLine() + [usage]).line, cut, position: 5)
        }
    }

    // MARK: Recording: the position names an earlier event of the same line

    static let other = "+989127654321"

    static func ledger(clock: ManualClock = ManualClock(.at("2030-01-01T00:00:00Z"))) throws -> Ledger {
        let ledger = Ledger.inMemory(clock: clock)
        var facts = Given.mobileLine()
        facts.append(
            .line(
                LineNumber(stored: other), .at("2024-01-02T08:00:00Z"),
                .lineActivated(
                    LineActivated(
                        subscriberID: "S-1", service: .fixed, plan: .noDeposit,
                        connectionFee: 0, vanityPremium: 0))))
        facts.append(.on("2024-01-20T08:00:00Z", .usageRecorded(UsageRecorded(amount: 50_000, description: "calls"))))
        try ledger.record(facts)  // positions: 1, 2 subscriber; 3 the line; 4 the other line; 5 the usage
        return ledger
    }

    @Test func CMP1_givenAPositionOfThisLinesEarlierEventThenTheComplaintIsRecorded() throws {
        let ledger = try Self.ledger()
        try ledger.record([Self.filed(about: .charge, position: 5)])
        #expect(try ledger.state(of: Given.number).complaint("C-1")?.complaint.position == 5)
        // Within one input too: an event given with its position (an export's line) earlier in it.
        let fresh = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        var facts = Given.mobileLine()
        for (index, _) in facts.enumerated() { facts[index].assigned = AssignedFields(position: UInt64(index + 1)) }
        try fresh.record(facts + [Self.filed(about: .other, position: 3)])
        #expect(try fresh.state(of: Given.number).complaint("C-1")?.complaint.position == 3)
    }

    @Test(arguments: [(UInt64(4), "line +989127654321"), (1, "a subscriber's event"), (6, "no event is recorded")])
    func CMP1_givenAPositionOfAnotherLineASubscriberOrNoEventYetThenTheComplaintIsRefusedAndNothingRecorded(
        position: UInt64, why: String
    ) throws {
        let ledger = try Self.ledger()
        let error = #expect(throws: LedgerError.self) {
            try ledger.record([Self.filed(position: 5), Self.filed("C-2", position: position)])
        }
        guard let fact = error?.factError else { Issue.record("\(String(describing: error))"); return }
        #expect(fact.field == "data.position" && fact.reason.contains(why), "\(fact)")
        #expect(error?.index == 1)
        #expect(try ledger.store.head().position == 5)
    }

    // MARK: due, status, the audit

    @Test func CMP1_givenAnUnansweredComplaintThenDueListsAnswerSinceItWasFiledUntilItIsAnswered() throws {
        let ledger = try Self.ledger()
        try ledger.record([Self.filed()])
        let filedAt = Timestamp.at(Self.filedAt)
        #expect(try ledger.due(at: filedAt.adding(seconds: -1)).filter { $0.action == .answer }.isEmpty)
        let due = try ledger.due(at: filedAt).filter { $0.action == .answer }
        #expect(
            due == [
                DueAction(line: Given.number.text, action: .answer, rule: "CMP-1", since: filedAt, complaint: "C-1")
            ])
        #expect(due.first?.json["complaint"] == .string("C-1") && due.first?.json["action"] == .string("answer"))
        #expect(try ledger.status(of: Given.number).openComplaints == 1)
        #expect(try ledger.status(of: Given.number).json["openComplaints"] == .integer(1))
        try ledger.record([Self.answered(at: "2024-02-03T08:00:00Z")])
        #expect(try ledger.due(at: .at("2024-02-04T00:00:00Z")).filter { $0.action == .answer }.isEmpty)
        #expect(try ledger.status(of: Given.number).openComplaints == 0)
    }

    @Test func CMP1_TIME1_theTimeToAnswerRunsToTheEndOfTheFifteenthCalendarDayInTehranWhateverTheHourOfFiling() throws {
        let edition = PolicyEdition.edition2021
        #expect(edition.complaintAnswerDays == 15)
        let end = try #require(TehranCalendar.standard.timestamp(year: 1402, month: 11, day: 25, hour: 23, minute: 59))
        #expect(end.adding(seconds: 59) == Self.deadline)
        // 1402-11-10 00:10 and 23:50 Tehran: the same last day.
        for filed in ["2024-01-29T20:40:00Z", Self.filedAt, "2024-01-30T20:20:00Z"] {
            #expect(
                edition.complaintAnswerDeadline(filedAt: .at(filed), calendar: .standard) == Self.deadline, "\(filed)")
        }
        // A day of the edition more, a day later.
        let longer = try PolicyEdition(id: "longer", effectiveDate: edition.effectiveDate, complaintAnswerDays: 16)
        #expect(
            longer.complaintAnswerDeadline(filedAt: .at(Self.filedAt), calendar: .standard)
                == Self.deadline.adding(days: 1))
    }

    @Test(arguments: [(0, false), (1, true)])
    func CMP1_givenAComplaintAnsweredAtItsDeadlineThenNoFindingAndOneSecondLaterThenAWarning(late: Int64, warned: Bool)
        throws
    {
        let ledger = try Self.ledger()
        let answerAt = Self.deadline.adding(seconds: late)
        try ledger.record([Self.filed(), Self.answered(at: answerAt.rfc3339)])
        let findings = try ledger.audit().filter { $0.rule == "CMP-1" }
        #expect(findings.count == (warned ? 1 : 0), "\(findings)")
        if warned {
            #expect(findings.first?.severity == .warning && findings.first?.position == 7)
            #expect(findings.first?.message.contains("after its 15 days") == true)
        }
        #expect(try ledger.audit().allSatisfy { $0.severity != .violation })
    }

    @Test(arguments: [(0, false), (1, true)])
    func CMP1_givenAComplaintUnansweredAtTheAuditsTimeThenAWarningOnlyOnceItsDeadlineHasPassed(
        late: Int64, warned: Bool
    ) throws {
        let clock = ManualClock(.at("2030-01-01T00:00:00Z"))
        let ledger = try Self.ledger(clock: clock)
        try ledger.record([Self.filed()])
        clock.set(Self.deadline.adding(seconds: late))
        let findings = try ledger.audit().filter { $0.rule == "CMP-1" }
        #expect(findings.count == (warned ? 1 : 0), "\(findings)")
        if warned {
            #expect(findings.first?.severity == .warning && findings.first?.position == 6)
            #expect(findings.first?.occurredAt == .at(Self.filedAt))
            #expect(findings.first?.message.contains("still unanswered") == true)
        }
    }

    @Test func CMP1_givenAnOpenComplaintWhenTheOperatorAnswersThroughApplyThenItIsRecordedWithRuleCMP1() throws {
        let ledger = try Self.ledger()
        try ledger.record([Self.filed()])
        let recorded = try ledger.apply(
            .answerComplaint(complaintID: "C-1", outcome: .partial), to: Given.number, at: .at("2024-02-01T08:00:00Z"))
        #expect(recorded.count == 1 && recorded.first?.fact.metadata["rule"] == "CMP-1")
        #expect(recorded.first?.fact.metadata["policyEdition"] == "2021")
        // A second answer, or one to no complaint, is refused by CMP-1, nothing recorded.
        for id in ["C-1", "C-9"] {
            let error = #expect(throws: LedgerError.self) {
                try ledger.apply(
                    .answerComplaint(complaintID: id, outcome: .upheld), to: Given.number,
                    at: .at("2024-02-02T08:00:00Z"))
            }
            guard let violation = error?.violation else {
                Issue.record("\(String(describing: error))"); continue
            }
            #expect(violation.rule == "CMP-1")
        }
        #expect(try ledger.store.head().position == 7)
        // `apply FILE` judges a ComplaintAnswered the same way: allowed, with its rule.
        try ledger.record([Self.filed("C-2")])
        try ledger.apply([Self.answered("C-2", .rejected, at: "2024-02-03T08:00:00Z")])
        let last = try #require(ledger.history(of: Given.number).facts.last)
        #expect(last.fact.metadata["rule"] == "CMP-1")
    }

    // MARK: Replay and the stored projection

    @Test func CMP1_replayShowsTheComplaintBesideTheEventItIsAboutWithItsAnswerAndItsWait() throws {
        let ledger = try Self.ledger()
        try ledger.record([Self.filed(about: .charge, position: 5), Self.answered(.upheld, at: "2024-02-02T14:30:00Z")])
        let replay = try ledger.replay(of: Given.number)
        let usage = try #require(replay.entries.first { $0.position == 5 })
        #expect(usage.complaintRoles.map(\.role) == [.complainedOf])
        let filed = try #require(replay.entries.first { $0.position == 6 })
        #expect(filed.complaintRoles.first?.role == .filed)
        let wait: Int64 = try #require(filed.complaintRoles.first?.complaint.waitMilliseconds)
        #expect(wait == Int64(3) * 86_400_000, "three days from filing to the answer")
        #expect(filed.complaintRoles.first?.complaint.isLate == false)
        #expect(try #require(replay.entries.first { $0.position == 7 }).complaintRoles.first?.role == .answer)
        let text = ReplayText().render(replay)
        #expect(text.contains("complained of: complaint C-1 (charge)"), "\(text)")
        #expect(text.contains("complaint C-1: answered upheld") && text.contains("after 3 day(s)"), "\(text)")
        guard case .object(let document) = replay.json(), case .array(let entries) = document["entries"] else {
            Issue.record("no entries"); return
        }
        let usageJSON = entries.compactMap(\.objectValue).first { $0["position"] == .integer(5) }
        guard case .array(let notes) = usageJSON?["complaints"], let note = notes.first?.objectValue else {
            Issue.record("no complaint beside #5"); return
        }
        #expect(note["role"] == .string("complainedOf") && note["complaintId"] == .string("C-1"))
        #expect(
            note["waitSeconds"] == .integer(3 * 86_400) && note["late"] == .bool(false)
                && note["outcome"] == .string("upheld"))
        #expect(entries.compactMap(\.objectValue).first { $0["position"] == .integer(4) }?["complaints"] == nil)
        #expect(ReplayHTML().render(replay).contains("complained of: complaint C-1"))
    }

    @Test func CMP1_PLAN5_complaintsAndTheNoticeChannelAreStoredAndReadBackFromTheProjectionAsFolded() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "subledger-complaints-\(UUID().uuidString)"
        ).path
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: StoreKeyFile.defaultPath(forStoreAt: folder))
        }
        let clock = ManualClock(.at("2030-01-01T00:00:00Z"))
        var facts = Given.mobileLine()
        facts[2] = .on(
            "2024-01-01T08:00:00Z",
            .lineActivated(
                LineActivated(
                    subscriberID: "S-1", service: .mobile, plan: .noDeposit,
                    connectionFee: 0, vanityPremium: 0, noticeChannel: .letter)))
        let complaints = [
            Self.filed(position: 3), Self.answered(.partial, at: "2024-02-01T08:00:00Z"),
            Self.filed("C-2", about: .notice, at: "2024-02-05T08:00:00Z"),
        ]
        do {
            let ledger = try Ledger.open(at: folder, clock: clock)
            try ledger.record(facts)
            try ledger.record(complaints)  // the activation is in the store: position 3 names it
        }
        facts += complaints
        let reopened = try Ledger.open(at: folder, clock: clock)
        let stored = try reopened.state(of: Given.number)
        #expect(stored == Given(facts).line)
        #expect(
            stored.noticeChannel == .letter && stored.complaints.count == 2
                && stored.openComplaints.map(\.complaint.complaintID) == ["C-2"])
        #expect(try reopened.rebuildProjections().identicalToPrevious)
    }
}
