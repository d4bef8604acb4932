public import SubledgerStore

/// A line's state as `status` reports it (interchange.md).
public struct LineStatusReport: Hashable, Sendable {
    /// The line's E.164 number.
    public var line: String
    /// Where the line stands in the cut process.
    public var status: LineStatus
    /// The line's plan (PLAN-1).
    public var plan: Plan
    /// Mobile or fixed.
    public var service: Service
    /// THR-1's threshold, rounded down for 80 % of an odd amount.
    public var threshold: Rials
    /// The unpaid usage, in rials (THR-2, ``LineState/debt``).
    public var debt: Rials
    /// What was paid beyond the charges, in rials.
    public var credit: Rials
    /// Unpaid invoices past their due date at the moment judged (`asOf`, or now).
    public var overdue: Rials
    /// The deposit held, in rials.
    public var deposit: Rials
    /// The guarantee held, in rials.
    public var guarantee: Rials
    /// The refund still owed after netting, in rials; 0 before the line is revoked or sold (VAN-3, LEG-2).
    public var refundDue: Rials
    /// Late fees recorded (GEN-2): reported for the audit, never counted in the debt,
    /// the overdue amount or the netting (THR-2).
    public var lateFees: Rials
    /// The policy edition in force at that moment.
    public var policyEdition: String
    /// The complaints not answered yet (CMP-1).
    public var openComplaints: Int

    /// The report of `line` at `time`, under the edition in force then.
    /// - Parameters:
    ///   - line: the line's state.
    ///   - time: the moment judged (`asOf`, or now).
    ///   - editions: the editions known; the one in force at `time` sets the threshold and the netting.
    public init(line: LineState, at time: Timestamp, editions: PolicyEditions) {
        let edition = editions.edition(at: time)
        self.line = line.number
        status = line.status
        plan = line.plan
        service = line.service
        threshold = edition.thresholdRials(
            plan: line.plan, service: line.service, region: line.region, depositHeldRials: line.depositHeld,
            guaranteeHeldRials: line.guaranteeHeld)
        debt = line.debt
        credit = line.credit
        overdue = line.overdue(at: time)
        deposit = line.depositHeld
        guarantee = line.guaranteeHeld
        refundDue = NettingStatement(line: line, countHeldAmounts: edition.netDepositAndGuaranteeAtRevocation).refundDue
        lateFees = line.lateFees
        policyEdition = edition.id
        openComplaints = line.openComplaints.count
    }

    /// The JSON document of `status --json`.
    public var json: JSONObject {
        [
            "line": .string(line), "status": .string(status.rawValue), "plan": .string(plan.rawValue),
            "service": .string(service.rawValue), "threshold": .integer(threshold), "debt": .integer(debt),
            "credit": .integer(credit), "overdue": .integer(overdue), "deposit": .integer(deposit),
            "guarantee": .integer(guarantee), "refundDue": .integer(refundDue), "lateFees": .integer(lateFees),
            "policyEdition": .string(policyEdition),
            "openComplaints": .integer(Int64(openComplaints)),
        ]
    }
}

extension NettingStatement {
    /// The JSON document of `settle --json`.
    public var json: JSONObject {
        [
            "debt": .integer(debt),
            "credits": .object([
                "auctionProceeds": .integer(credits.auctionProceeds), "deposit": .integer(credits.deposit),
                "guarantee": .integer(credits.guarantee), "subscriptionValue": .integer(credits.subscriptionValue),
            ]),
            "refund": .integer(refund), "residualDebt": .integer(residualDebt), "refundsPaid": .integer(refundsPaid),
            "refundDue": .integer(refundDue), "netted": .bool(isNetted),
        ]
    }
}

extension Finding {
    /// The JSON object of `audit --json`.
    public var json: JSONObject {
        [
            "rule": .string(rule.rawValue), "policyEdition": .string(edition), "severity": .string(severity.rawValue),
            "line": .string(line), "position": .integer(Int64(position)), "occurredAt": .string(occurredAt.rfc3339),
            "message": .string(message),
        ]
    }
}

extension DueAction {
    /// The JSON object of `due --json`.
    public var json: JSONObject {
        var object: JSONObject = [
            "line": .string(line), "action": .string(action.rawValue), "rule": .string(rule.rawValue),
            "since": .string(since.rfc3339),
        ]
        if let subscriber { object["subscriber"] = .string(subscriber) }
        if let complaint { object["complaint"] = .string(complaint) }
        return object
    }
}
