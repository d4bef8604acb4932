package import SubledgerStore
package import SubledgerLedger
import Foundation

/// What the demo shows a newcomer, read back from the store: lines by status, debts and
/// refunds, and the audit's findings counted by rule.
package struct DemoReport: Sendable {
    /// The audit's findings of one rule, counted by severity.
    package struct RuleCount: Hashable, Sendable {
        /// The rule.
        package var rule: RuleID
        /// Its findings that are violations.
        package var violations: Int
        /// Its findings that are warnings.
        package var warnings: Int
    }

    /// The lines with an activation.
    package var lineCount = 0
    /// The distinct owners of those lines.
    package var subscriberCount = 0
    /// The lines in each status, in the order of `LineStatus.allCases`, zero counts included.
    package var statusCounts: [(status: LineStatus, count: Int)] = []
    /// The unpaid usage of the lines not revoked or sold, in rials.
    package var totalDebt: Rials = 0
    /// The lines not revoked or sold with a debt.
    package var linesInDebt = 0
    /// The invoices past their due date at the report's time on the lines not revoked or sold, in rials (BIL-3).
    package var totalOverdue: Rials = 0
    /// The lines not revoked or sold with an overdue amount.
    package var linesOverdue = 0
    /// The refunds still owed after netting (VAN-3, LEG-2), in rials.
    package var refundsDue: Rials = 0
    /// The lines owed a refund.
    package var linesOwedRefund = 0
    /// The refunds paid, in rials.
    package var refundsPaid: Rials = 0
    /// The debt left after netting on the revoked or sold lines, in rials.
    package var residualDebt: Rials = 0
    /// How many events of each type the lines hold.
    package var eventCounts: [EventType: Int] = [:]
    /// The threshold notices sent (NTC-1).
    package var thresholdNotices = 0
    /// The `NoticeDeliveryFailed` events (DLV-1), of notices of any kind.
    package var failedNotices = 0
    /// The one-way cuts (`LineSuspended` events).
    package var oneWayCuts = 0
    /// The two-way cuts (`LineSuspended` events).
    package var twoWayCuts = 0
    /// The written warnings sent (OVD-3).
    package var writtenWarnings = 0
    /// Every finding of the audit, with CMP-1's unanswered complaints at the report's time.
    package var findings: [Finding] = []
    /// ``findings`` counted by rule, ordered by rule id.
    package var findingsByRule: [RuleCount] = []

    /// The report of every line in `ledger`, judged at `time` (overdue, editions). The lines are
    /// streamed one at a time (``Ledger/forEachLineHistory(_:)``): the report keeps its counts,
    /// the findings, the subscribers seen and the suspensions for the pass across lines (SUS-2).
    ///
    /// - Parameters:
    ///   - ledger: the ledger; every line's history is read, one line at a time.
    ///   - time: the moment judged: the edition in force, the overdue amounts, the complaints unanswered.
    /// - Throws: ``LedgerError``: the store's error reading the histories, or ``LedgerError/Code/badFact`` when
    ///   a history does not fold or audit.
    package init(ledger: Ledger, at time: Timestamp) throws(LedgerError) {
        var counts: [LineStatus: Int] = [:]
        var subscribers: Set<String> = []
        var cuts: [LineSuspended.Reason: [Auditor.SuspensionSeen]] = [:]
        let edition = ledger.editions.edition(at: time)
        try ledger.forEachLineHistory { history throws(LedgerError) in
            do throws(FactError) {
                findings += try Auditor.audit(history, editions: ledger.editions, calendar: ledger.calendar)
                Auditor.gatherSuspensions(of: history, into: &cuts)
                // Complaints unanswered at `time` after their time to answer (CMP-1).
                findings += try Auditor.unansweredComplaints(
                    history, at: time, editions: ledger.editions, calendar: ledger.calendar)
            } catch {
                throw LedgerError(.badFact(error))
            }
            let state: LineState?
            do throws(FactError) { state = try history.state() } catch { throw LedgerError(.badFact(error)) }
            guard let state else { return }
            lineCount += 1
            subscribers.insert(state.subscriberID)
            counts[state.status, default: 0] += 1
            tally(state, at: time, edition: edition)
            tally(history.facts)
        }
        findings += Auditor.massSuspensions(cuts, editions: ledger.editions, calendar: ledger.calendar)
        subscriberCount = subscribers.count
        statusCounts = LineStatus.allCases.map { ($0, counts[$0] ?? 0) }
        var byRule: [RuleID: RuleCount] = [:]
        for finding in findings {
            var count = byRule[finding.rule] ?? RuleCount(rule: finding.rule, violations: 0, warnings: 0)
            if finding.severity == .violation { count.violations += 1 } else { count.warnings += 1 }
            byRule[finding.rule] = count
        }
        findingsByRule = byRule.values.sorted { $0.rule < $1.rule }
    }

    /// Adds the line's debts, overdue amount and refunds at `time` to the report.
    private mutating func tally(_ state: LineState, at time: Timestamp, edition: PolicyEdition) {
        let statement = NettingStatement(line: state, countHeldAmounts: edition.netDepositAndGuaranteeAtRevocation)
        if state.isClosed {
            residualDebt += statement.residualDebt
        } else if state.debt > 0 {
            totalDebt += state.debt
            linesInDebt += 1
        }
        let overdue = state.overdue(at: time)
        if overdue > 0, !state.isClosed {
            totalOverdue += overdue
            linesOverdue += 1
        }
        if statement.refundDue > 0 {
            refundsDue += statement.refundDue
            linesOwedRefund += 1
        }
        refundsPaid += state.refundsPaid
    }

    /// Adds the line's events, notices and cuts to the report's counts.
    private mutating func tally(_ facts: [RecordedFact]) {
        for fact in facts {
            eventCounts[fact.event.type, default: 0] += 1
            switch fact.event {
            case .noticeSent(let notice) where notice.kind.isThresholdNotice: thresholdNotices += 1
            case .noticeSent(let notice) where notice.kind == .writtenWarning: writtenWarnings += 1
            case .noticeDeliveryFailed: failedNotices += 1
            case .lineSuspended(let suspension):
                if suspension.direction == .oneWay { oneWayCuts += 1 } else { twoWayCuts += 1 }
            default: break
            }
        }
    }

    /// The findings that are violations.
    package var violationCount: Int { findings.count { $0.severity == .violation } }
    /// The findings that are warnings.
    package var warningCount: Int { findings.count { $0.severity == .warning } }
}
