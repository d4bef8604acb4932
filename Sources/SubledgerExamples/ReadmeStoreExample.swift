// The README's store example, compiled and run by `DocumentationSnippetTests`.

// snippet readme-store
import SubledgerStore
// end

/// The README's example of the store alone: an append with an expected version, then a
/// second append that expected the stream older and is refused, then the chain verified.
func readmeStoreExample() throws {
    // snippet readme-store continued
    let store = try EventStore.open(at: "events")
    let payment = ProposedEvent(type: "PaymentReceived", stream: StreamID(category: "line", id: "+989121234567"),
                                occurredAt: try Timestamp(rfc3339: "2025-03-01T10:00:00Z"),
                                data: ["paymentId": "P-1", "amount": 250_000, "method": "card"])
    try store.append([payment], expecting: [payment.stream: .noStream])   // position 1, version 1
    do {
        try store.append([ProposedEvent(type: "PaymentReversed", stream: payment.stream,
                                        occurredAt: payment.occurredAt, data: ["paymentId": "P-1"])],
                         expecting: [payment.stream: .exactly(0)])       // it is at 1 now: refused
    } catch let error as EventStoreError where error.code == .versionConflict {
        print(error)                                                     // names stream, expected, actual
    }
    let report = try store.verify()   // names the first bad position, if any
    // end
    print("verified", report.verifiedCount, "head", report.headPosition)
}
