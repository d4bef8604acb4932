import Testing
import SubledgerLedger

/// `LineNumber` and `SubscriberID` validate once (issue 12, item 6; GEN-1 names lines in
/// E.164): input goes through the throwing initializer, whose `FactError` names the field
/// with the message a fact's `line` always had.
@Suite("Typed ids: LineNumber and SubscriberID")
struct TypedIDTests {
    @Test("given 7 and 15 digits, then E.164; given 6 and 16 digits, then refused naming the field")
    func lineNumbersAtTheBoundaries() throws {
        // `LineNumber("...")` with a literal is the literal (SE-0213): input is a String value.
        let seven = "+9891234", fifteen = "+989123456789012", empty = ""
        #expect(try LineNumber(seven).text == seven)
        #expect(try LineNumber(fifteen).text == fifteen)
        for bad in ["+989123", "+9891234567890123", "+0891234567", "989121234567", "+98912a4567"] {
            let error = #expect(throws: FactError.self) { try LineNumber(bad, field: "data.debtLine") }
            #expect(error?.field == "data.debtLine")
            #expect(error?.reason == "\"\(bad)\" is not an E.164 number (+ then 7 to 15 digits)")
        }
        #expect(#expect(throws: FactError.self) { try LineNumber(empty) }?.field == "line")
    }

    @Test("a literal is the checked number, equal to the one read from input")
    func aLiteralIsChecked() throws {
        let literal: LineNumber = "+989121234567"
        let input = "+989121234567"
        #expect(try literal == LineNumber(input))
        #expect(literal.description == "+989121234567")
    }

    @Test("a subscriber id must not be empty; its field is named")
    func subscriberIDs() throws {
        let id = "S-1", empty = ""
        #expect(try SubscriberID(id).text == id)
        let error = #expect(throws: FactError.self) { try SubscriberID(empty) }
        #expect(error?.field == "subscriber" && error?.reason == "must not be empty")
    }

}
