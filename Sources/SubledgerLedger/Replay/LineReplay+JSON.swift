public import SubledgerStore

extension LineReplay {
    /// The JSON document of `replay --json`: the line, its owner, the view, one object per
    /// event (the fact as exported, its figures in words for people, the state after it,
    /// the rules' judgements and the findings) and every finding.
    ///
    /// - Parameters:
    ///   - format: how the figures in words and the Tehran times are written.
    /// - Returns: the document, a JSON object; instants in UTC RFC 3339, amounts in rials.
    public func json(format: DisplayFormat = DisplayFormat()) -> JSONValue {
        var document: JSONObject = [
            "line": .string(line),
            "view": .object([
                "asOf": view.asOf.map { .string($0.rfc3339) } ?? .null,
                "knownAt": view.knownAt.map { .string($0.rfc3339) } ?? .null,
            ]),
            "entries": .array(entries.map { .object($0.json(format: format)) }),
            "findings": .array(findings.map { .object($0.json) }),
            "violations": .integer(Int64(violationCount)),
            "warnings": .integer(Int64(warningCount)),
        ]
        if let lineState {
            document["service"] = .string(lineState.service.rawValue)
            document["plan"] = .string(lineState.plan.rawValue)
            document["vanityPremium"] = .integer(lineState.vanityPremium)
            document["activatedAt"] = .string(lineState.activatedAt.rfc3339)
        }
        if let owner {
            document["subscriber"] = .object([
                "subscriberId": .string(owner.registration.subscriberID),
                "kind": .string(owner.registration.kind.rawValue),
                "governmental": .bool(owner.registration.governmental),
            ])
        }
        document["state"] = finalState.map { .object($0.json) } ?? .null
        if !complaints.isEmpty { document["complaints"] = .array(complaints.map { .object($0.json(role: nil)) }) }
        document["cuts"] = .array(cuts.map { .object($0.json(format: format)) })
        return .object(document)
    }
}

extension CutSpan {
    /// A cut in `replay --json`: its start (the suspension's position), its end (`null`
    /// while still cut) and the event that ended it, its length to `until` and the
    /// non-working days it spanned (SUS-2).
    ///
    /// - Parameters:
    ///   - format: how the Tehran times are written (`suspendedAtTehran`).
    /// - Returns: the cut's object.
    public func json(format: DisplayFormat) -> JSONObject {
        [
            "suspensionPosition": .integer(Int64(suspensionPosition)),
            "suspendedAt": .string(suspendedAt.rfc3339),
            "suspendedAtTehran": .string(format.time(suspendedAt)),
            "endedAt": endedAt.map { .string($0.rfc3339) } ?? .null,
            "endedBy": endedBy.map { .string($0.rawValue) } ?? .null,
            "stillCut": .bool(isStillCut),
            "until": .string(until.rfc3339),
            "lengthMilliseconds": .integer(milliseconds),
            "length": .string(DisplayFormat.duration(milliseconds: milliseconds)),
            "nonWorkingDays": .integer(Int64(nonWorkingDays)),
        ]
    }
}

extension LineReplay.StateAfter {
    /// The figures as `status --json` names them.
    public var json: JSONObject {
        [
            "status": .string(status.rawValue), "debt": .integer(debt), "credit": .integer(credit),
            "threshold": .integer(threshold),
            "overdue": .integer(overdue), "deposit": .integer(deposit), "guarantee": .integer(guarantee),
            "refundDue": .integer(refundDue), "policyEdition": .string(policyEdition),
        ]
    }
}

extension LineReplay.Entry {
    func json(format: DisplayFormat) -> JSONObject {
        var object: JSONObject = [
            "position": .integer(Int64(position)),
            "streamVersion": .integer(Int64(streamVersion)),
            "recordedAt": .string(recordedAt.rfc3339),
            "occurredAt": .string(occurredAt.rfc3339),
            "occurredAtTehran": .string(format.time(occurredAt)),
            "type": .string(type.rawValue),
            "data": .object(event.data),
            "summary": .string(event.summary(format)),
            "state": .object(state.json),
            "operatorAction": .bool(isOperatorAction),
            "recordedLate": .bool(isRecordedLate),
            "judgements": .array(
                judgements.map { judgement in
                    .object([
                        "rule": .string(judgement.rule.rawValue), "policyEdition": .string(judgement.edition),
                        "verdict": .string(judgement.verdict.rawValue), "reason": .string(judgement.reason),
                    ])
                }),
            "findings": .array(findings.map { .object($0.json) }),
        ]
        let roles = complaintRoles
        if !roles.isEmpty { object["complaints"] = .array(roles.map { .object($0.complaint.json(role: $0.role)) }) }
        if !fact.fact.metadata.isEmpty {
            object["metadata"] = .object(
                JSONObject(fact.fact.metadata.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        }
        return object
    }
}
