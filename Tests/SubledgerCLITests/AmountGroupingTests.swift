import Testing
import SubledgerLedger
@testable import subledger

/// Issue 12, item 4: one digit grouping (the ledger's ``DisplayFormat/rials(_:)``) behind
/// the CLI's `Amount`; a group is cut at each thousand, one digit either side.
@Suite("The one digit grouping")
struct AmountGroupingTests {
    @Test("given counts and amounts either side of a thousand, when grouped, then a comma cuts every three digits")
    func groupsByThrees() {
        #expect(Amount.grouped(0) == "0")
        #expect(Amount.grouped(999) == "999")
        #expect(Amount.grouped(1_000) == "1,000")
        #expect(Amount.grouped(999_999) == "999,999")
        #expect(Amount.grouped(1_000_000) == "1,000,000")
        #expect(Amount.grouped(-1_000) == "-1,000")
        #expect(Amount.grouped(-999) == "-999")
        #expect(Amount.grouped(Int64.min) == "-9,223,372,036,854,775,808")
        #expect(Amount.rials(315_000) == "315,000 rials")
        for value: Int64 in [0, 999, 1_000, -1_200, Int64.max, Int64.min] {
            #expect(Amount.grouped(value) == DisplayFormat.rials(value))
        }
    }
}
