import Foundation
import Testing
import SubledgerStore

@Suite("Strict JSON and canonical JSON")
struct JSONTests {
    @Test func parsesTheInterchangeExample() throws {
        let value = try JSONParser.parse(
            #"{"type":"PaymentReceived","line":"+989121234567","data":{"amount":250000,"ok":true,"n":null,"list":[1,-2]}}"#
        )
        let data = value.objectValue?["data"]?.objectValue
        #expect(data?["amount"] == .integer(250_000))
        #expect(data?["list"] == .array([.integer(1), .integer(-2)]))
    }

    @Test(arguments: [
        (#"{"amount":1.5}"#, "fraction", "amount"),
        (#"{"amount":1e3}"#, "fraction", "amount"),
        (#"{"amount":9223372036854775808}"#, "64 bits", "amount"),
        (#"{"a":1,"a":2}"#, "duplicate", ""),
        (#"{"data":{"items":[{"amount":01}]}}"#, "start with 0", "data.items[0].amount"),
        (#"{"s":"\ud800"}"#, "surrogate", "s"),
        ("{\"s\":\"a\u{1}\"}", "control", "s"),
        (#"{"a":1} x"#, "after", ""),
        (#"{"a":tru}"#, "unexpected", "a"),
        (#"[1,2"#, "end of input", ""),
    ])
    func refusesWithTheReasonAndTheField(_ text: String, _ reason: String, _ path: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.path == path)
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try bytes.withUnsafeBytes { try JSONParser.parse(bytes: $0) } }
    }

    @Test func refusesNestingDeeperThanTheBound() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func extremesOf64BitsAreKept() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .integer(.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(.min))
    }

    @Test func canonicalFormSortsKeysByCodePointAndEscapesLikePython() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":{"z":"\u0001\n\"\\/","é":"رضا کریمی","B":[true,false,null]}}"#)
        let canonical = String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
        #expect(canonical == #"{"a":{"B":[true,false,null],"z":"\u0001\n\"\\/","é":"رضا کریمی"},"b":1}"#)
    }

    @Test func canonicalFormRoundTripsThroughTheParser() throws {
        let text = #"{"data":{"items":[{"amount":-5,"description":"tab\there"}],"total":0},"type":"X"}"#
        let once = CanonicalJSON.encode(try JSONParser.parse(text))
        let twice = CanonicalJSON.encode(try once.withUnsafeBytes { try JSONParser.parse(bytes: $0) })
        #expect(once == twice)
        #expect(String(decoding: once, as: UTF8.self) == text)
    }
}
