import Testing
import SubledgerLedger
import SubledgerReports
import SubledgerStore
import SubledgerStoreTesting

/// SUS-2: (a) prior notice about the cut, (c) mass suspensions, and the replay's cut lengths
/// and non-working days (issue 11, item 8); (b) is in TehranCalendarTests and AuditTests.
@Suite("Suspensions: SUS-2")
struct SuspensionPatternTests {
    static func audit(_ facts: [LedgerFact], editions: PolicyEditions = .builtIn) throws -> [Finding] {
        try SuspensionRuleTests.audit(facts, editions: editions)
    }

    static func suspension(_ reason: LineSuspended.Reason, direction: LineSuspended.Direction = .oneWay)
        -> LineSuspended
    {
        SuspensionRuleTests.suspension(reason, direction: direction)
    }

    // MARK: SUS-2 (a)

    /// A line cut for fraud at 2025-02-01T06:00Z after a cut notice, restored at
    /// 2025-02-02T06:00Z (its last change of status), cut again at ``recutAt``; with `extra`,
    /// all recorded in the order they occurred (`extra` first among equal times).
    static func recut(_ extra: [LedgerFact]) -> [LedgerFact] {
        let line: [LedgerFact] = [
            cutNotice(at: "2025-02-01T05:00:00Z", id: "C-0"),
            .on("2025-02-01T06:00:00Z", .lineSuspended(suspension(.fraud))),
            .on("2025-02-02T06:00:00Z", .lineRestored(LineRestored(reconnectionFee: 0))),
            .on("2025-02-03T06:00:00Z", .lineSuspended(suspension(.fraud))),
        ]
        let ordered = (extra.map { ($0, 0) } + line.map { ($0, 1) }).enumerated()
            .sorted {
                ($0.element.0.occurredAt, $0.element.1, $0.offset) < ($1.element.0.occurredAt, $1.element.1, $1.offset)
            }
        return Given.mobileLine() + ordered.map(\.element.0)
    }

    static let recutAt = Timestamp.at("2025-02-03T06:00:00Z")

    static func cutNotice(at time: String, kind: NoticeSent.Kind = .oneWayCut, id: String = "C-1") -> LedgerFact {
        .on(time, .noticeSent(NoticeSent(noticeID: id, kind: kind, channel: .sms, deadline: nil, fee: 0)))
    }

    static func noPriorNotice(_ findings: [Finding], at time: Timestamp = recutAt) -> [Finding] {
        findings.filter {
            $0.rule == "SUS-2" && $0.message.contains("without prior notice about it") && $0.occurredAt == time
        }
    }

    @Test func SUS2a_aNoticeCountsOnlySinceTheLinesLastChangeOfStatus() throws {
        // One second before the restoration: sent before the last change of status.
        let before = Self.noPriorNotice(try Self.audit(Self.recut([Self.cutNotice(at: "2025-02-02T05:59:59Z")])))
        #expect(before.count == 1, "\(before)")
        #expect(before.first?.message.contains("since the line's last change of status (1403-11-14 09:30") == true)
        // One second after it: prior notice about the cut.
        #expect(Self.noPriorNotice(try Self.audit(Self.recut([Self.cutNotice(at: "2025-02-02T06:00:01Z")]))).isEmpty)
        // An invoice notice (or any notice not about this cut) never silences it.
        let invoice = Self.cutNotice(at: "2025-02-02T07:00:00Z", kind: .invoice)
        let twoWay = Self.cutNotice(at: "2025-02-02T07:00:00Z", kind: .twoWayCut, id: "C-2")
        #expect(Self.noPriorNotice(try Self.audit(Self.recut([invoice, twoWay]))).count == 1)
    }

    @Test func SUS2a_aNoticeSentWithTheCutOrAfterItIsNotPrior() throws {
        // One second before the cut: prior.
        #expect(Self.noPriorNotice(try Self.audit(Self.recut([Self.cutNotice(at: "2025-02-03T05:59:59Z")]))).isEmpty)
        // At the same instant (recorded before it), or one second after: not prior.
        let same = Self.noPriorNotice(try Self.audit(Self.recut([Self.cutNotice(at: "2025-02-03T06:00:00Z")])))
        #expect(same.count == 1)
        #expect(Self.noPriorNotice(try Self.audit(Self.recut([Self.cutNotice(at: "2025-02-03T06:00:01Z")]))).count == 1)
    }

    @Test func SUS2a_aNoticeKnownToHaveFailedIsNotPrior() throws {
        let failed = [
            Self.cutNotice(at: "2025-02-03T05:00:00Z"),
            LedgerFact.on("2025-02-03T05:30:00Z", .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: "C-1"))),
        ]
        #expect(Self.noPriorNotice(try Self.audit(Self.recut(failed))).count == 1)
    }

    @Test func SUS2a_aThresholdNoticeSinceTheStatusChangeIsAboutAThresholdCutNotAboutAFraudCut() throws {
        let notice = CutRuleTests.notice(at: "2025-02-02T18:10:00Z")
        let threshold = LedgerFact.on("2025-02-04T06:00:00Z", .lineSuspended(Self.suspension(.threshold)))
        #expect(
            Self.noPriorNotice(
                try Self.audit(Given.mobileLine() + [CutRuleTests.usage, notice, threshold]), at: threshold.occurredAt
            ).isEmpty)
        let fraud = LedgerFact.on("2025-02-04T06:00:00Z", .lineSuspended(Self.suspension(.fraud)))
        #expect(
            Self.noPriorNotice(
                try Self.audit(Given.mobileLine() + [CutRuleTests.usage, notice, fraud]), at: fraud.occurredAt
            ).count == 1)
    }

    // MARK: SUS-2 (c)

    /// Lines `+98912000100`... of S-1 (the first `ofFirst`) and S-2 (the rest), each cut
    /// for `reason` at the given times.
    static func massCut(
        _ times: [Timestamp], reason: LineSuspended.Reason = .fraud, ofFirst: Int? = nil,
        firstNumber: Int = 100, registering: Bool = true
    ) -> [LedgerFact] {
        var facts: [LedgerFact] = []
        for id in registering ? ["S-1", "S-2"] : [] {
            facts.append(
                LedgerFact(
                    stream: .subscriber(id), occurredAt: .at("2023-12-01T08:00:00Z"),
                    event: .subscriberRegistered(
                        SubscriberRegistered(
                            subscriberID: id, kind: .individual, governmental: false,
                            name: "Test", nationalID: "0012345678"))))
            facts.append(
                LedgerFact(
                    stream: .subscriber(id), occurredAt: .at("2023-12-01T09:00:00Z"),
                    event: .identityVerified(IdentityVerified(documents: ["id"]))))
        }
        for (index, time) in times.enumerated() {
            let number = "+98912000\(firstNumber + index)"
            let owner = index < (ofFirst ?? times.count - 1) ? "S-1" : "S-2"
            facts.append(
                .line(
                    LineNumber(stored: number), .at("2024-01-01T08:00:00Z"),
                    .lineActivated(
                        LineActivated(
                            subscriberID: owner, service: .mobile, plan: .noDeposit, connectionFee: 0, vanityPremium: 0)
                    )))
            facts.append(
                .line(
                    LineNumber(stored: number), time,
                    .lineSuspended(
                        LineSuspended(
                            direction: .twoWay, reason: reason,
                            debtLine: reason.isForDebt ? number : nil))))
        }
        return facts
    }

    static func massFindings(_ findings: [Finding]) -> [Finding] {
        findings.filter { $0.rule == "SUS-2" && $0.message.contains("mass suspension") }
    }

    static let start = Timestamp.at("2025-02-01T06:00:00Z")

    @Test func SUS2c_tenLinesOfTwoSubscribersWithinSixtyMinutesAreAMassSuspension() throws {
        let times =
            (0..<9).map { Self.start.adding(milliseconds: Int64($0) * 60_000) } + [
                Self.start.adding(milliseconds: 60 * 60_000)
            ]
        let found = Self.massFindings(try Self.audit(Self.massCut(times)))
        #expect(Set(found.map(\.line)).count == 10)
        #expect(found.allSatisfy { $0.severity == .warning && $0.edition == "2021" })
        #expect(
            found.first?.message.contains("one of 10 lines of 2 subscribers suspended for fraud from 1403-11-13 09:30")
                == true)
        // 60 minutes and one second: the tenth is outside every window of ten.
        let late = (0..<9).map { _ in Self.start } + [Self.start.adding(milliseconds: 3_600_000 + 1000)]
        #expect(Self.massFindings(try Self.audit(Self.massCut(late))).isEmpty)
    }

    @Test func SUS2c_nineLinesOrOneSubscriberOrADebtReasonOrMixedReasonsAreNot() throws {
        let ten = (0..<10).map { Self.start.adding(milliseconds: Int64($0) * 1000) }
        #expect(Self.massFindings(try Self.audit(Self.massCut(Array(ten.prefix(9))))).isEmpty)
        #expect(Self.massFindings(try Self.audit(Self.massCut(ten, ofFirst: 10))).isEmpty)
        #expect(Self.massFindings(try Self.audit(Self.massCut(ten, ofFirst: 9))).count == 10)
        #expect(Self.massFindings(try Self.audit(Self.massCut(ten, reason: .overdue))).isEmpty)
        let mixed =
            Self.massCut(Array(ten.prefix(5)), reason: .fraud)
            + Self.massCut(Array(ten.suffix(5)), reason: .kyc, firstNumber: 200, registering: false)
        #expect(Self.massFindings(try Self.audit(mixed)).isEmpty)
    }

    @Test func SUS2c_theParametersAreTheEditions() throws {
        let three = try PolicyEditions([
            PolicyEdition(
                id: "mass3", effectiveDate: .at("2000-01-01T00:00:00Z"),
                massSuspensionLines: 3, massSuspensionWindowMinutes: 1)
        ])
        let times = [Self.start, Self.start.adding(milliseconds: 30_000), Self.start.adding(milliseconds: 60_000)]
        let found = Self.massFindings(try Self.audit(Self.massCut(times), editions: three))
        #expect(found.count == 3)
        #expect(found.allSatisfy { $0.edition == "mass3" && $0.message.contains("within 1 min") })
        let spread = [Self.start, Self.start.adding(milliseconds: 30_000), Self.start.adding(milliseconds: 60_001)]
        #expect(Self.massFindings(try Self.audit(Self.massCut(spread), editions: three)).isEmpty)
    }

    // MARK: Replay: each cut's length and its non-working days

    static let calendar = TehranCalendar.standard

    static func tehran(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0)
        -> Timestamp
    {
        calendar.timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second)!
    }

    static func replay(cutAt: Timestamp, restoredAt: Timestamp?, now: Timestamp) throws -> LineReplay {
        let ledger = Ledger.inMemory(clock: ManualClock(now))
        var facts =
            Given.mobileLine() + [.line(Given.number, cutAt, .lineSuspended(suspension(.fraud, direction: .twoWay)))]
        if let restoredAt {
            facts.append(.line(Given.number, restoredAt, .lineRestored(LineRestored(reconnectionFee: 0))))
        }
        try ledger.record(facts)
        return try ledger.replay(of: Given.number)
    }

    @Test func SUS2_replayShowsEachCutsLengthAndTheNonWorkingDaysItSpanned() throws {
        // Thursday 1404-04-12 10:00 to Monday 1404-04-16 10:00: Friday, Tasua and Ashura (computed).
        let cutAt = Self.tehran(1404, 4, 12, 10)
        let replay = try Self.replay(
            cutAt: cutAt, restoredAt: Self.tehran(1404, 4, 16, 10), now: .at("2026-01-01T00:00:00Z"))
        let cut = try #require(replay.cuts.first)
        #expect(replay.cuts.count == 1)
        #expect(cut.milliseconds == 4 * 86_400_000)
        #expect(cut.nonWorkingDays == 3)
        #expect(cut.endedBy == .lineRestored && !cut.isStillCut)
        let text = ReplayText().render(replay)
        #expect(text.contains("#4 from 1404-04-12 10:00"))
        #expect(text.contains("(LineRestored): 4 day(s), 3 non-working day(s)"))
        guard case .object(let document) = replay.json(), case .array(let cuts) = document["cuts"],
            case .object(let first) = cuts.first
        else { Issue.record("no cuts in the JSON"); return }
        #expect(first["nonWorkingDays"] == .integer(3))
        #expect(first["lengthMilliseconds"] == .integer(4 * 86_400_000))
        #expect(first["stillCut"] == .bool(false))
        #expect(first["endedBy"] == .string("LineRestored"))
        let html = ReplayHTML().render(replay)
        #expect(html.contains("<h2>Cuts</h2>"))
        #expect(html.contains("(LineRestored): 4 day(s), 3 non-working day(s)</li>"))
    }

    @Test func SUS2_aCutEndingAtMidnightDoesNotSpanTheNextDay() throws {
        // Thursday 1404-04-12 10:00 to Friday 00:00:00 spans no Friday; one second more does.
        let cutAt = Self.tehran(1404, 4, 12, 10)
        let atMidnight = try Self.replay(
            cutAt: cutAt, restoredAt: Self.tehran(1404, 4, 13, 0, 0, 0), now: .at("2026-01-01T00:00:00Z"))
        #expect(atMidnight.cuts.first?.nonWorkingDays == 0)
        let after = try Self.replay(
            cutAt: cutAt, restoredAt: Self.tehran(1404, 4, 13, 0, 0, 1), now: .at("2026-01-01T00:00:00Z"))
        #expect(after.cuts.first?.nonWorkingDays == 1)
    }

    @Test func SUS2_aLineStillCutIsMeasuredToTheReplaysTime() throws {
        let cutAt = Self.tehran(1404, 4, 12, 10)
        let now = Self.tehran(1404, 4, 13, 10)
        let replay = try Self.replay(cutAt: cutAt, restoredAt: nil, now: now)
        let cut = try #require(replay.cuts.first)
        #expect(cut.isStillCut && cut.endedBy == nil && cut.until == now)
        #expect(cut.milliseconds == 86_400_000)
        #expect(cut.nonWorkingDays == 1)
        #expect(ReplayText().render(replay).contains("still cut at 1404-04-13 10:00"))
    }
}
