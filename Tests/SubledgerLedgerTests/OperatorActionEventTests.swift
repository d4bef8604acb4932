import Testing
import SubledgerLedger
import SubledgerStore

/// Each operator action, given facts, then exactly the events it records: types, stream,
/// time, data fields, metadata rule ids and edition (issue 12 item 7's given/when/then);
/// the rule tests beside (CutRuleTests, RevocationRuleTests, ComplaintTests) keep their own
/// assertions and the boundaries.
@Suite("Operator actions record exactly their events: CUT-1, GEN-3, GEN-5, NTC-1, NTC-2, OVD-3, CMP-1")
struct OperatorActionEventTests {
    static let edition = "2021"
    static let cutAt = Timestamp.at("2025-02-03T18:10:00Z")

    /// CUT-1 at the threshold, 24 h after the notice: the cut notice (GEN-5) and the cut.
    @Test func CUT1_aThresholdCutRecordsItsCutNoticeAndTheSuspension() throws {
        let given = GivenWhenThen(Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()])
        let stamp = Self.cutAt.millisecondsSinceEpoch
        given.when(CutRuleTests.thresholdCut, at: Self.cutAt).then([
            .init(
                .noticeSent(
                    NoticeSent(
                        noticeID: "oneWayCut-\(stamp)", kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)),
                rule: "GEN-5", edition: Self.edition),
            .init(
                .lineSuspended(
                    LineSuspended(
                        direction: .oneWay, reason: .threshold, debtLine: Given.number.text, orderedBy: nil,
                        reference: nil)),
                rule: "CUT-1", rulesChecked: ["OVD-4", "GEN-1", "GEN-5", "CUT-2", "DLV-1"], edition: Self.edition),
        ])
        given.when(CutRuleTests.thresholdCut, at: Self.cutAt.adding(seconds: -1)).thenRefused(
            by: "CUT-1", edition: Self.edition)
    }

    /// NTC-1: a threshold notice without a deadline carries the minimum, 24 h from sending.
    @Test func NTC1_aThresholdNoticeRecordsTheMinimumDeadline() throws {
        let given = GivenWhenThen(Given.mobileLine() + [CutRuleTests.usage])
        let sentAt = Timestamp.at("2025-02-02T18:10:00Z")
        given.when(.sendNotice(kind: .thresholdWarning, channel: .sms, deadline: nil, noticeID: "N-7"), at: sentAt)
            .then([
                .init(
                    .noticeSent(
                        NoticeSent(
                            noticeID: "N-7", kind: .thresholdWarning, channel: .sms,
                            deadline: .at("2025-02-03T18:10:00Z"), fee: 0)),
                    rule: "NTC-2", rulesChecked: ["GEN-5", "NTC-1"], edition: Self.edition)
            ])
    }

    /// GEN-3: restoring a cut line once the debt is paid records the restoration with its fee.
    @Test func restoringACutLineRecordsTheRestoration() throws {
        let facts = Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()]
        let cut = try Given(facts).when(CutRuleTests.thresholdCut, at: Self.cutAt.rfc3339).get().facts
        let payment = PaymentReceived(paymentID: "P-1", amount: 315_000, method: "card")
        let paid = LedgerFact.on("2025-02-04T08:00:00Z", .paymentReceived(payment))
        let restore = GivenWhenThen(facts + cut + [paid]).when(
            .restore(reconnectionFee: 0), at: .at("2025-02-04T09:00:00Z"))
        restore.then([
            .init(.lineRestored(LineRestored(reconnectionFee: 0)), rule: "GEN-3", edition: Self.edition)
        ])
    }

    /// OVD-3: the written warning after the two-way cut comes with its renewed notice.
    @Test func OVD3_aWrittenWarningRecordsTheRenewedNoticeAndTheWarning() throws {
        let twoWay = try Ladder.twoWay(Given.mobileLine())
        let time = Timestamp.at("2025-03-01T00:00:00Z")
        let stamp = time.millisecondsSinceEpoch
        GivenWhenThen(twoWay).when(.sendWrittenWarning(channel: .letter, noticeID: "W-1"), at: time).then([
            .init(
                .noticeSent(
                    NoticeSent(
                        noticeID: "revocation-\(stamp)", kind: .revocation, channel: .sms, deadline: nil, fee: 0)),
                rule: "GEN-5", edition: Self.edition),
            .init(
                .noticeSent(
                    NoticeSent(noticeID: "W-1", kind: .writtenWarning, channel: .letter, deadline: nil, fee: 0)),
                rule: "OVD-3", rulesChecked: ["GEN-5"], edition: Self.edition),
        ])
        GivenWhenThen(Given.mobileLine()).when(.sendWrittenWarning(channel: .letter), at: time).thenRefused(
            by: "OVD-3", edition: Self.edition)
    }

    /// OVD-3: a year after the written warning the line may be revoked.
    @Test func OVD3_aRevocationRecordsTheRevocation() throws {
        let warned = GivenWhenThen(try Ladder.warned(Given.mobileLine(), at: "2025-03-01T00:00:00Z"))
        warned.when(.revoke(reason: "debt"), at: .at("2026-03-02T00:00:00Z")).then([
            .init(.lineRevoked(LineRevoked(reason: "debt")), rule: "OVD-3", edition: Self.edition)
        ])
        warned.when(.revoke(reason: "debt"), at: .at("2025-03-02T00:00:00Z")).thenRefused(
            by: "OVD-3", edition: Self.edition)
    }

    /// CMP-1: the answer to an open complaint; none to a complaint never filed.
    @Test func CMP1_anAnswerRecordsTheAnswer() throws {
        let given = GivenWhenThen(Given.mobileLine() + [ComplaintTests.filed()])
        let time = Timestamp.at("2024-02-01T08:00:00Z")
        given.when(.answerComplaint(complaintID: "C-1", outcome: .partial), at: time).then([
            .init(
                .complaintAnswered(ComplaintAnswered(complaintID: "C-1", outcome: .partial)), rule: "CMP-1",
                edition: Self.edition)
        ])
        given.when(.answerComplaint(complaintID: "C-9", outcome: .upheld), at: time).thenRefused(
            by: "CMP-1", edition: Self.edition)
    }
}
