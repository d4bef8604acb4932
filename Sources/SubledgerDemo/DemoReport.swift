package import SubledgerStore
package import SubledgerLedger
import Foundation

/// What the demo shows a newcomer, read back from the store: lines by status, debts and
/// refunds, and the audit's findings counted by rule.
package struct DemoReport: Sendable {
    package struct RuleCount: Hashable, Sendable {
        package var rule: RuleID
        package var violations: Int
        package var warnings: Int
    }

    package var lineCount = 0
    package var subscriberCount = 0
    package var statusCounts: [(status: LineStatus, count: Int)] = []
    package var totalDebt: Rials = 0
    package var linesInDebt = 0
    package var totalOverdue: Rials = 0
    package var linesOverdue = 0
    package var refundsDue: Rials = 0
    package var linesOwedRefund = 0
    package var refundsPaid: Rials = 0
    package var residualDebt: Rials = 0
    /// How many events of each type the lines hold.
    package var eventCounts: [EventType: Int] = [:]
    /// Threshold notices (NTC-1), and those known to have failed (DLV-1).
    package var thresholdNotices = 0
    package var failedNotices = 0
    package var oneWayCuts = 0
    package var twoWayCuts = 0
    package var writtenWarnings = 0
    package var findings: [Finding] = []
    package var findingsByRule: [RuleCount] = []

    /// The report of every line in `ledger`, judged at `time` (overdue, editions). The lines are
    /// streamed one at a time (``Ledger/forEachLineHistory(_:)``): the report keeps its counts,
    /// the findings, the subscribers seen and the suspensions for the pass across lines (SUS-2).
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

    package var violationCount: Int { findings.count { $0.severity == .violation } }
    package var warningCount: Int { findings.count { $0.severity == .warning } }
}
