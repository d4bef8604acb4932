import Testing
import SubledgerLedger
import SubledgerStore

/// Issue 12, item 5: the ledger's bounds of a fact (``FactLimits``) against the store's
/// (``StoreLimits``): whatever a fact may carry, the store can hold.
@Suite("The ledger's bounds agree with the store's")
struct LedgerLimitsTests {
    @Test(
        "given the bounds, then an id fits a stream id, a metadata text fits a metadata value, and a batch of imports is bounded"
    )
    func relations() {
        #expect(FactLimits.identifierMaximumBytes <= StoreLimits.streamIDBytes, "a subscriber id is a stream id")
        #expect(
            FactLimits.textMaximumBytes <= StoreLimits.metadataValueBytes,
            "a metadata value of a fact is one of the event")
        #expect(FactLimits.textMaximumBytes <= StoreLimits.stringBytes)
        #expect(FactLimits.codeMaximumBytes <= FactLimits.textMaximumBytes)
        #expect(FactLimits.itemsMaximumCount <= StoreLimits.arrayElements)
        #expect(FactLimits.documentsMaximumCount <= StoreLimits.arrayElements)
        #expect(FactLimits.migratedEventsPerAppend <= StoreLimits.groupCommitEvents)
        // An invoice's items at the largest amount each sum within 64 bits.
        let (total, overflow) = FactLimits.amountMaximumRials.multipliedReportingOverflow(
            by: Rials(FactLimits.itemsMaximumCount))
        #expect(!overflow && total > 0)
    }
}
