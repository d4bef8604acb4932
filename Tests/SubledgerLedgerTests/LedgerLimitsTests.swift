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

    @Test("an id with a control character is refused, naming the field and the character; others are kept")
    func idsRefuseControlCharacters() throws {
        for text in ["S-1\n", "S\u{0}1", "\u{7F}", "S-\u{85}1"] {
            #expect(throws: FactError.self, "\(text.debugDescription)") { try SubscriberID(text, field: "data.subscriberId") }
        }
        do { _ = try SubscriberID("S-1\n", field: "data.subscriberId") } catch {
            #expect(error.field == "data.subscriberId")
            #expect(error.reason == "holds the control character U+000A")
        }
        #expect(try SubscriberID("مشترک-۱ S 1").text == "مشترک-۱ S 1", "letters, digits and spaces of any script are kept")
        #expect(try SubscriberID("¡Ā\u{A0}").text == "¡Ā\u{A0}", "0xC2 0xA1, 0xC4 0x80 and 0xC2 0xA0 are not controls")
    }
}
