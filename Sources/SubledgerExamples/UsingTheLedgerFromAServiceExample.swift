// The DocC article `UsingTheLedgerFromAService`, compiled and run by
// `DocumentationSnippetTests`: each `// snippet using-the-ledger` … `// end` part is one of
// the article's code blocks, in order (`continued` joins a part to the block before it).

// snippet using-the-ledger
import SubledgerLedger
import SubledgerStore
// end

/// The article's walk through the ledger, in the order the article tells it.
func usingTheLedgerFromAServiceExample() async throws {
    // snippet using-the-ledger continued
    let ledger = try Ledger.open(at: "subledger-store")
    // end

    // snippet using-the-ledger
    let line: LineNumber = "+989351112233"
    let signedUp = try Timestamp(rfc3339: "2025-02-01T09:00:00Z")
    let recorded = try await ledger.record([
        .subscriber("S-1001", signedUp, .subscriberRegistered(SubscriberRegistered(
            subscriberID: "S-1001", kind: .individual, governmental: false,
            name: "Sara Ahmadi", nationalID: "0012345678"))),
        .line(line, signedUp, .lineActivated(LineActivated(
            subscriberID: "S-1001", service: .mobile, plan: .noDeposit, connectionFee: 0, vanityPremium: 0))),
        .line(line, try Timestamp(rfc3339: "2025-02-02T18:00:00Z"),
              .usageRecorded(UsageRecorded(amount: 245_000, description: "calls and data"))),
    ])
    print(recorded.positions)   // [1, 2, 3] in a new store
    // end

    // snippet using-the-ledger
    for owed in try ledger.due(at: try Timestamp(rfc3339: "2025-02-02T18:05:00Z")) {
        print(owed.line, owed.action, owed.rule)   // +989351112233 notice NTC-1
    }
    do {
        try await ledger.apply(.cut(direction: .oneWay, reason: .threshold), to: line,
                               at: try Timestamp(rfc3339: "2025-02-03T19:00:00Z"))
    } catch let error as LedgerError {
        if let violation = error.violation {
            print(violation.rule, violation.edition, violation.reason)   // CUT-1 2021 ...
        }
    }
    // end

    // snippet using-the-ledger
    let sentAt = try Timestamp(rfc3339: "2025-02-02T18:10:00Z")
    let notice = try await ledger.apply(
        .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: sentAt.adding(seconds: 24 * 3600),
                    noticeID: "SMSGW-778812"),   // the gateway's id, which its receipts name
        to: line, at: sentAt)
    for fact in notice {
        print(fact.position, fact.fact.eventID?.description ?? "", fact.fact.metadata["rule"] ?? "",
              fact.fact.metadata["policyEdition"] ?? "")   // 4 <uuid> NTC-1 2021
    }
    // end

    // snippet using-the-ledger
    let now = try ledger.status(of: line)
    let asItHappened = try ledger.status(of: line, view: .init(asOf: try Timestamp(rfc3339: "2025-02-02T12:00:00Z")))
    let asItWasKnown = try ledger.status(of: line, view: .init(knownAt: notice[0].recordedAt))
    let netting = try ledger.settlement(of: line)
    let findings = try ledger.audit(line: line)
    print(now.debt, asItHappened.debt, asItWasKnown.debt, netting.refundDue, findings.count)
    // end

    // snippet using-the-ledger
    var lastSeenPosition: UInt64 = 0
    for try await fact in ledger.follow(from: lastSeenPosition + 1) {
        lastSeenPosition = fact.position
        // update a read model, send a notice, ...
        if lastSeenPosition == notice.last?.position { break }   // a follower never ends by itself
    }
    // end
}
