// The README's library example, compiled and run by `DocumentationSnippetTests`: the text
// between `// snippet readme-ledger` and `// end` is the README's block, line for line
// (each part dedented on its own). Edit it here; the test says where the README differs.

// snippet readme-ledger
import SubledgerLedger
import SubledgerStore
// end

/// The README's "The ledger as a library" example: a line signed up, its usage recorded,
/// the notice owed, sent through the rules, and the log followed up to that notice.
func readmeLedgerExample() async throws {
    // snippet readme-ledger continued
    let ledger = try Ledger.open(at: "ledger-store")
    let line: LineNumber = "+989351112233"
    let signedUp = try Timestamp(rfc3339: "2025-02-01T09:00:00Z")
    try await ledger.record([
        .subscriber("S-1001", signedUp, .subscriberRegistered(SubscriberRegistered(
            subscriberID: "S-1001", kind: .individual, governmental: false,
            name: "Sara Ahmadi", nationalID: "0012345678"))),
        .line(line, signedUp, .lineActivated(LineActivated(
            subscriberID: "S-1001", service: .mobile, plan: .noDeposit, connectionFee: 0, vanityPremium: 0))),
        .line(line, try Timestamp(rfc3339: "2025-02-02T18:00:00Z"),
              .usageRecorded(UsageRecorded(amount: 245_000, description: "calls and data"))),
    ])
    let status = try ledger.status(of: line)                  // debt 245,000 of a 300,000 threshold
    let owed = try ledger.due(at: try Timestamp(rfc3339: "2025-02-02T18:05:00Z"))  // NTC-1: a notice is owed
    let sentAt = try Timestamp(rfc3339: "2025-02-02T18:10:00Z")
    let notice = try await ledger.apply(
        .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: sentAt.adding(seconds: 24 * 3600)),
        to: line, at: sentAt)                                  // recorded with rule NTC-2 (it counts) and its edition
    for try await fact in ledger.follow(from: 1) {             // every committed event, as it commits
        print(fact.position, fact.event.type.rawValue, fact.fact.metadata["rule"] ?? "")
        if fact.position == notice.last?.position { break }    // follow never ends by itself
    }
    // end
    print("status", status.status, "debt", status.debt, "threshold", status.threshold)
    print("due", owed.map { "\($0.line) \($0.action) \($0.rule)" })
}
