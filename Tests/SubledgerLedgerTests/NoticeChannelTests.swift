import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// BIL-4 and PLAN-5 (issue 11, item 9): the subscriber chooses at sign-up the channel of the
/// notices of their debt (`LineActivated`'s optional `noticeChannel`, default `sms`); a
/// notice sent by another channel is a warning, but for an `invoice` notice (it travels with
/// the invoice) and OVD-3's written warning by letter (required by letter).
@Suite("BIL-4, PLAN-5: the notice channel the subscriber chose")
struct NoticeChannelTests {
    static func line(channel: NoticeSent.Channel?) -> [LedgerFact] {
        var facts = Given.mobileLine()
        facts[2] = .on(
            "2024-01-01T08:00:00Z",
            .lineActivated(
                LineActivated(
                    subscriberID: "S-1", service: .mobile, plan: .noDeposit,
                    connectionFee: 0, vanityPremium: 0, noticeChannel: channel)))
        return facts
    }

    static func notice(_ kind: NoticeSent.Kind, _ channel: NoticeSent.Channel) -> LedgerEvent {
        .noticeSent(NoticeSent(noticeID: "N-1", kind: kind, channel: channel, deadline: nil, fee: 0))
    }

    @Test func PLAN5_noticeChannelIsWrittenOnlyWhenGivenSoOldActivationsHashTheSame() throws {
        let old = LineActivated(
            subscriberID: "S-1", service: .mobile, plan: .noDeposit, connectionFee: 0, vanityPremium: 0)
        #expect(
            LedgerEvent.lineActivated(old).data.count == 5
                && LedgerEvent.lineActivated(old).data["noticeChannel"] == nil)
        #expect(old.chosenNoticeChannel == .sms)
        var chosen = old
        chosen.noticeChannel = .app
        #expect(LedgerEvent.lineActivated(chosen).data["noticeChannel"] == .string("app"))
        #expect(
            try LedgerEvent(type: .lineActivated, data: LedgerEvent.lineActivated(chosen).data)
                == .lineActivated(chosen))
        #expect(try LedgerEvent(type: .lineActivated, data: LedgerEvent.lineActivated(old).data) == .lineActivated(old))
        var data = LedgerEvent.lineActivated(chosen).data
        data["noticeChannel"] = .string("pigeon")
        #expect(
            #expect(throws: FactError.self) { try LedgerEvent(type: .lineActivated, data: data) }?.field
                == "data.noticeChannel")
        #expect(Given(Self.line(channel: nil)).line.noticeChannel == .sms)
        #expect(Given(Self.line(channel: .email)).line.noticeChannel == .email)
    }

    @Test(arguments: [
        (NoticeSent.Channel?.some(.app), NoticeSent.Kind.creditStatus, NoticeSent.Channel.sms, true),
        (.some(.app), .creditStatus, .app, false),
        (nil, .overdue, .sms, false),
        (nil, .overdue, .email, true),
        (.some(.app), .invoice, .sms, false),
        (.some(.app), .writtenWarning, .letter, false),
        (.some(.app), .writtenWarning, .sms, true),
    ])
    func BIL4_givenTheChosenChannelWhenANoticeIsSentThenAnotherChannelIsAWarning(
        chosen: NoticeSent.Channel?, kind: NoticeSent.Kind, channel: NoticeSent.Channel, warned: Bool
    ) {
        let judgements = Given(Self.line(channel: chosen)).judge(Self.notice(kind, channel), at: "2024-02-01T08:00:00Z")
        let channelJudgements = judgements.filter { $0.rule == "BIL-4" }
        #expect(channelJudgements.count == (warned ? 1 : 0), "\(judgements)")
        if warned {
            #expect(channelJudgements.first?.verdict == .warning)
            #expect(channelJudgements.first?.reason.contains("not by \((chosen ?? .sms).rawValue)") == true)
        }
    }

    @Test func BIL4_DLV1_givenANoticeByTheChosenChannelKnownToHaveFailedThenResendingItByAnotherIsNoWarning() {
        let sent = LedgerFact.on(
            "2024-02-01T08:00:00Z",
            .noticeSent(NoticeSent(noticeID: "N-0", kind: .overdue, channel: .sms, deadline: nil, fee: 0)))
        let failed = LedgerFact.on("2024-02-01T08:05:00Z", .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: "N-0")))
        let resend = Self.notice(.overdue, .call)
        #expect(
            !Given(Self.line(channel: nil) + [sent, failed]).judge(resend, at: "2024-02-01T10:00:00Z").contains {
                $0.rule == "BIL-4"
            })
        // Without the failure, or after a failure of another kind of notice, the call is a warning.
        #expect(
            Given(Self.line(channel: nil) + [sent]).judge(resend, at: "2024-02-01T10:00:00Z").contains {
                $0.rule == "BIL-4" && $0.isWarning
            })
        #expect(
            Given(Self.line(channel: nil) + [sent, failed]).judge(
                Self.notice(.creditStatus, .call), at: "2024-02-01T10:00:00Z"
            )
            .contains { $0.rule == "BIL-4" && $0.isWarning })
    }

    @Test func BIL4_givenALineThatChoseTheAppWhenTheOperatorCutsThenItsCutNoticeGoesByTheAppAndTheAuditWarnsOnAnSMS()
        throws
    {
        let given = Given(
            Self.line(channel: .app) + [
                .on("2024-01-20T08:00:00Z", .usageRecorded(UsageRecorded(amount: 400_000, description: "roaming"))),
                .on(
                    "2024-01-21T08:00:00Z",
                    .invoiceIssued(
                        InvoiceIssued(
                            invoiceID: "I-1", periodStart: .at("2024-01-01T08:00:00Z"),
                            periodEnd: .at("2024-01-21T08:00:00Z"),
                            items: [.init(description: "roaming", amount: 400_000)], total: 400_000,
                            dueAt: .at("2024-02-10T20:29:59Z")))),
            ])
        let decision = try given.when(.cut(direction: .oneWay, reason: .overdue), at: "2024-03-01T08:00:00Z").get()
        guard case .noticeSent(let notice) = decision.facts.first?.event else { Issue.record("no cut notice"); return }
        #expect(notice.kind == .oneWayCut && notice.channel == .app)
        #expect(!decision.judgements.contains { $0.rule == "BIL-4" && $0.isWarning })

        let ledger = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        try ledger.record(given.facts + [.on("2024-02-01T08:00:00Z", Self.notice(.creditStatus, .sms))])
        let findings = try ledger.audit().filter { $0.rule == "BIL-4" }
        #expect(
            findings.count == 1 && findings.first?.severity == .warning && findings.first?.position == 6, "\(findings)")
        // `apply` allows it: a warning is not a refusal.
        try ledger.apply([
            LedgerFact.on(
                "2024-02-02T08:00:00Z",
                .noticeSent(
                    NoticeSent(
                        noticeID: "N-2", kind: .creditStatus, channel: .sms,
                        deadline: nil, fee: 0)))
        ])
        #expect(try ledger.store.head().position == 7)
    }
}

/// KYC-1 with GEN-3 (issue 11, item 10's demo): a line suspended for `kyc` is owed its
/// restoration once the identity is verified again after the suspension: the subscriber's
/// latest verification counts, not only the first (which KYC-1's activation check reads).
@Suite("KYC-1: a verification made again after a kyc suspension")
struct KYCRestorationTests {
    static let verifiedAgain = LedgerFact(
        stream: .subscriber("S-1"), occurredAt: .at("2024-03-03T08:00:00Z"),
        event: .identityVerified(IdentityVerified(documents: ["id, checked again"])))

    static var suspended: [LedgerFact] {
        Given.mobileLine() + [
            .on("2024-03-01T08:00:00Z", .lineSuspended(LineSuspended(direction: .oneWay, reason: .kyc, debtLine: nil)))
        ]
    }

    @Test func KYC1_givenAKycSuspensionWhenTheIdentityIsVerifiedAgainThenRestoreIsDueSinceThen() {
        let given = Given(Self.suspended + [Self.verifiedAgain])
        #expect(given.subscriber?.verifiedAt == .at("2023-12-01T09:00:00Z"))
        #expect(given.subscriber?.lastVerifiedAt == .at("2024-03-03T08:00:00Z"))
        let due = WorkList.due(
            line: given.line, subscriber: given.subscriber, at: .at("2024-03-03T08:00:00Z"), editions: .builtIn,
            calendar: .standard)
        #expect(
            due.filter { $0.action == .restore } == [
                DueAction(line: Given.number.text, action: .restore, rule: "KYC-1", since: .at("2024-03-03T08:00:00Z"))
            ])
        // One second before the verification, or with only the sign-up's, nothing is owed.
        #expect(
            WorkList.due(
                line: given.line, subscriber: Given(Self.suspended).subscriber, at: .at("2024-03-03T08:00:00Z"),
                editions: .builtIn, calendar: .standard
            ).filter { $0.action == .restore }.isEmpty)
        // Restored within restorationWarningHours: allowed, no warning; 24 h after: KYC-1's warning.
        let inTime = given.judge(.lineRestored(LineRestored(reconnectionFee: 0)), at: "2024-03-04T07:59:59Z")
        #expect(!inTime.contains { $0.rule == "KYC-1" } && !inTime.contains(where: \.isForbidden))
        let late = given.judge(.lineRestored(LineRestored(reconnectionFee: 0)), at: "2024-03-04T08:00:00Z")
        #expect(late.contains { $0.rule == "KYC-1" && $0.isWarning })
    }

    @Test func KYC1_theLatestVerificationIsStoredAndReadBackFromTheProjection() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        try ledger.record(Self.suspended + [Self.verifiedAgain])
        #expect(try ledger.subscriber("S-1").lastVerifiedAt == .at("2024-03-03T08:00:00Z"))
        #expect(
            try ledger.due(at: .at("2024-03-03T09:00:00Z")).contains { $0.action == .restore && $0.rule == "KYC-1" })
    }
}
