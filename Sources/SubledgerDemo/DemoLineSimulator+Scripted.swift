import SubledgerStore
import SubledgerLedger

/// The story's set pieces and the operator's mistakes on purpose, and how actions are decided and recorded.
extension DemoLineSimulator {
    // MARK: The operator's mistakes and the story's set pieces

    mutating func scripted(_ step: Step, at time: Timestamp) {
        guard let line = state else { return }
        switch step {
        case .disputedCut:
            disputedCut(line, at: time)
        case .cutWithoutNotice:
            cutWithoutNotice(line, at: time)
        case .lateFee:
            let overdue = line.overdue(at: time)
            guard overdue > 0 else { anomalies.append("\(plan.number): nothing overdue for the late fee"); return }
            let fee = max(10_000, overdue * 5 / 100 / 1_000 * 1_000)
            mistake(.lateFeeCharged(LateFeeCharged(amount: fee)), at: time)
            unbilled.lateFees += fee
        case .otherLinesDebtCut(let debtLine):
            otherLinesDebtCut(debtLine, line, at: time)
        case .massCut:
            guard line.status == .active, line.overdue(at: time) > 0 else {
                anomalies.append(
                    "\(plan.number): the mass cut found the line \(line.status), overdue \(line.overdue(at: time))")
                return
            }
            cut(.oneWay, .overdue, at: time)
        case .fileComplaint(let id, let about, let channel, let aboutInvoice):
            // The simulation knows the invoice's place in the line's own facts; the generator
            // turns it into its position in the log (DemoGenerator).
            let position = aboutInvoice ? line.invoices.last?.position : nil
            record(
                .line(
                    plan.line, time,
                    .complaintFiled(
                        ComplaintFiled(complaintID: id, about: about, channel: channel, position: position)),
                    metadata: ["actor": "subscriber"]), lag: random.milliseconds(seconds: 20, 600))
        case .answerComplaint(let id, let outcome):
            decide(.answerComplaint(complaintID: id, outcome: outcome), at: time, actor: "customer-care")
        case .kycNotice:
            guard line.status == .active else {
                anomalies.append("\(plan.number): the kyc notice found the line \(line.status)"); return
            }
            decide(.sendNotice(kind: .oneWayCut, channel: line.noticeChannel, deadline: nil), at: time)
        case .kycCut:
            guard line.status == .active, decide(.cut(direction: .oneWay, reason: .kyc), at: time) else {
                anomalies.append("\(plan.number): the kyc suspension found the line \(line.status)")
                return
            }
            cutReason = .kyc
        case .kycVerified:
            let fact = LedgerFact(
                stream: .subscriber(owner.registration.subscriberID), occurredAt: time,
                event: .identityVerified(IdentityVerified(documents: ["national id card (checked again)"])),
                metadata: ["actor": "kyc"], recordedAt: nil)
            record(fact, lag: 700)
        case .kycRestore:
            guard line.status == .oneWay, decide(.restore(reconnectionFee: 0), at: time) else {
                anomalies.append("\(plan.number): the kyc restoration found the line \(line.status)")
                return
            }
            cutReason = nil
        case .cutNotice:
            guard line.status == .active else {
                anomalies.append("\(plan.number): the cut notice found the line \(line.status)"); return
            }
            sendNotice(.oneWayCut, channel: line.noticeChannel, at: time, deadline: nil, failure: 0)
        case .kycSuspension:
            kycSuspension(line, at: time)
        }
    }

    /// A threshold cut with no notice at all (a CUT-1 and GEN-5 violation on purpose).
    mutating func cutWithoutNotice(_ line: LineState, at time: Timestamp) {
        guard line.status == .active else {
            anomalies.append("\(plan.number): the cut without notice found the line \(line.status)"); return
        }
        mistake(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: plan.number)), at: time)
        cutReason = .threshold
        schedule(.payDebt(method: "app"), at: time.adding(milliseconds: Int64(random.int(3...8)) * Self.hour))
    }

    /// The disputed cut: the threshold notice failed (DLV-1) and the operator cuts anyway.
    mutating func disputedCut(_ line: LineState, at time: Timestamp) {
        // The threshold notice failed (DLV-1); the operator cuts anyway.
        guard line.status == .active else {
            anomalies.append("\(plan.number): the disputed cut found the line \(line.status)"); return
        }
        mistake(
            .noticeSent(
                NoticeSent(noticeID: nextNoticeID(), kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)),
            at: time)
        mistake(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: plan.number)), at: time)
        cutReason = .threshold
        schedule(.payDebt(method: "card"), at: time.adding(milliseconds: 45 * Self.minute))
    }

    /// A cut for the debt of another line of the owner (a GEN-1 violation on purpose).
    mutating func otherLinesDebtCut(_ debtLine: String, _ line: LineState, at time: Timestamp) {
        guard line.status == .active else {
            anomalies.append("\(plan.number): the other line's cut found the line \(line.status)"); return
        }
        mistake(
            .noticeSent(
                NoticeSent(noticeID: nextNoticeID(), kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)),
            at: time)
        mistake(.lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: debtLine)), at: time)
        cutReason = .overdue
        schedule(.restore, at: time.adding(milliseconds: 2 * Self.day + 50 * Self.minute))
    }

    /// One line of the mass suspension for KYC, without notice (SUS-2), restored a morning later.
    mutating func kycSuspension(_ line: LineState, at time: Timestamp) {
        guard line.status == .active else {
            anomalies.append("\(plan.number): the kyc suspension found the line \(line.status)"); return
        }
        guard decide(.cut(direction: .oneWay, reason: .kyc), at: time) else { return }
        cutReason = .kyc
        schedule(
            .restore,
            at: timeline.morning(atOrAfter: time.adding(days: 1)).adding(
                milliseconds: Int64(random.int(5...50)) * Self.minute))
    }

    /// Records an operator's action as a plain fact, without the rules (as `import` would).
    mutating func mistake(_ event: LedgerEvent, at time: Timestamp) {
        record(.line(plan.line, time, event, metadata: ["actor": "operator"]), lag: 250)
    }

    // MARK: Deciding and recording

    /// Decides `action` at `time` and records its facts; a refusal is an anomaly: the
    /// generator meant the action to be lawful.
    @discardableResult
    mutating func decide(_ action: OperatorAction, at time: Timestamp, actor: String = "operator") -> Bool {
        guard let line = state else { return false }
        switch Decider.decide(
            action, line: line, subscriber: owner, at: time, editions: editions, calendar: timeline.calendar,
            metadata: ["actor": actor])
        {
        case .failure(let violation):
            anomalies.append("\(plan.number) \(action) at \(time.rfc3339): refused by \(violation)")
            return false
        case .success(let decision):
            for var fact in decision.facts {
                if case .noticeSent(var notice) = fact.event {
                    notice.noticeID = nextNoticeID()
                    fact.event = .noticeSent(notice)
                }
                record(fact, lag: Int64(random.int(50...400)))
            }
            return true
        }
    }

    mutating func nextNoticeID() -> String {
        noticeCount += 1
        return "N-\(code)-\(noticeCount)"
    }

    /// The line's short code in ids: its last seven digits.
    var code: String { String(plan.number.suffix(7)) }

    /// Folds `fact` into the line (or, for a fact of the owner's stream, such as a
    /// verification made again for KYC-1, into ``owner``) and keeps it, recorded `lag` ms
    /// after it occurred (never before the line's previous fact).
    mutating func record(_ fact: LedgerFact, lag: Int64) {
        var fact = fact
        let recorded = max(fact.occurredAt.millisecondsSinceEpoch + lag, lastRecorded + 1)
        lastRecorded = recorded
        fact.recordedAt = Timestamp(millisecondsSinceEpoch: recorded)
        do {
            if case .subscriber = fact.stream {
                owner = try SubscriberState.checkedEvolve(owner, fact)
            } else {
                state = try LineState.checkedEvolve(state, fact, position: UInt64(facts.count + 1))
            }
            facts.append(fact)
        } catch {
            anomalies.append(
                "\(plan.number): \(fact.event.type.rawValue) at \(fact.occurredAt.rfc3339) cannot be recorded: \(error)"
            )
        }
    }
}
