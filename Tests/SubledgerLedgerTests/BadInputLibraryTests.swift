import Foundation
import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Bad input through the library, table-driven: what `import` and `apply` refuse is
/// refused by `JSONParser` and `LedgerFact(input:)` (naming the field) or by
/// `Ledger.record` and `FactStreamValidator.admit` (naming the fact's index and the
/// field), and the store is left as it was.
@Suite("Bad input, table-driven, through the library")
struct BadInputLibraryTests {
    /// A line that cannot be read as a fact: the field path its refusal must name.
    struct Unreadable: CustomTestStringConvertible, Sendable {
        var name: String
        var line: [UInt8]
        var field: String
        var fragment: String
        var testDescription: String { name }

        init(_ name: String, _ line: String, field: String, _ fragment: String) {
            self.init(name, Array(line.utf8), field: field, fragment)
        }

        init(_ name: String, _ line: [UInt8], field: String, _ fragment: String) {
            self.name = name
            self.line = line
            self.field = field
            self.fragment = fragment
        }
    }

    static func usage(_ data: String, occurredAt: String = #""2024-03-10T10:00:00Z""#, extra: String = "") -> String {
        #"{"type":"UsageRecorded","line":"+989121110000","occurredAt":"# + occurredAt + extra + #","data":"# + data
            + "}"
    }

    static let unreadable: [Unreadable] = [
        Unreadable("malformed JSON", usage(#"{"amount":5"#), field: "", "unexpected end of input"),
        Unreadable(
            "invalid UTF-8",
            Array(usage(#"{"amount":5,"description":"caf"#).utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8),
            field: "data.description", "invalid UTF-8"),
        Unreadable(
            "a lone surrogate", usage(#"{"amount":5,"description":"\udc00"}"#), field: "data.description",
            "lone surrogate"),
        Unreadable(
            "a 10 MB string",
            usage(#"{"amount":5,"description":""# + String(repeating: "x", count: 10_000_000) + #""}"#),
            field: "data.description", "longer than 1000 bytes"),
        Unreadable(
            "a duplicate key", usage(#"{"amount":5,"amount":6,"description":"x"}"#), field: "data", "duplicate key"),
        Unreadable(
            "nesting too deep",
            usage(#"{"amount":"# + String(repeating: "[", count: 80) + String(repeating: "]", count: 80) + "}"),
            field: "data.amount", "nesting deeper than 64"),
        Unreadable("a missing field", usage(#"{"description":"x"}"#), field: "data.amount", "missing"),
        Unreadable(
            "a missing type",
            #"{"line":"+989121110000","occurredAt":"2024-03-10T10:00:00Z","data":{"amount":5,"description":"x"}}"#,
            field: "type", "missing"),
        Unreadable(
            "an ill-typed amount", usage(#"{"amount":"5","description":"x"}"#), field: "data.amount",
            "must be a whole number"),
        Unreadable(
            "an ill-typed description", usage(#"{"amount":5,"description":7}"#), field: "data.description",
            "must be a string"),
        Unreadable("an ill-typed data", usage("null"), field: "data", "must be an object"),
        Unreadable(
            "an ill-typed metadata", usage(#"{"amount":5,"description":"x"}"#, extra: #","metadata":{"actor":1}"#),
            field: "metadata.actor", "must be a string"),
        Unreadable(
            "a number beyond 64 bits", usage(#"{"amount":18446744073709551616,"description":"x"}"#),
            field: "data.amount", "beyond 64 bits"),
        Unreadable(
            "a fraction", usage(#"{"amount":1e3,"description":"x"}"#), field: "data.amount", "fraction or exponent"),
        Unreadable(
            "a negative amount", usage(#"{"amount":-1,"description":"x"}"#), field: "data.amount",
            "must not be negative"),
        Unreadable(
            "a zero usage", usage(#"{"amount":0,"description":"x"}"#), field: "data.amount", "must be more than 0"),
        Unreadable(
            "an unknown type",
            #"{"type":"Usage","line":"+989121110000","occurredAt":"2024-03-10T10:00:00Z","data":{}}"#,
            field: "type", "not an event type"),
        Unreadable(
            "an unknown field", usage(#"{"amount":5,"description":"x"}"#, extra: #","hashes":"00""#), field: "hashes",
            "is not a field of the input format"),
        Unreadable(
            "a store-assigned hash that is not one", usage(#"{"amount":5,"description":"x"}"#, extra: #","hash":"00""#),
            field: "hash",
            "must be 64 lowercase hex digits, as the store assigns it"),
        Unreadable(
            "a time that is not RFC 3339", usage(#"{"amount":5,"description":"x"}"#, occurredAt: #""10/03/2024""#),
            field: "occurredAt", "RFC 3339"),
        Unreadable(
            "an hour that does not exist",
            usage(#"{"amount":5,"description":"x"}"#, occurredAt: #""2024-03-10T24:30:00Z""#),
            field: "occurredAt", "no such time of day"),
        Unreadable(
            "a recordedAt that is not RFC 3339",
            usage(#"{"amount":5,"description":"x"}"#, extra: #","recordedAt":"2024-03-10""#),
            field: "recordedAt", "RFC 3339"),
        Unreadable(
            "an eventId that is not a UUID", usage(#"{"amount":5,"description":"x"}"#, extra: #","eventId":"42""#),
            field: "eventId", "not a UUID"),
        Unreadable(
            "a line that is not E.164",
            #"{"type":"UsageRecorded","line":"abc","occurredAt":"2024-03-10T10:00:00Z","data":{"amount":5,"description":"x"}}"#,
            field: "line", "E.164"),
    ]

    @Test(arguments: unreadable)
    func unreadableLinesNameTheirField(_ bad: Unreadable) throws {
        let field: String
        let message: String
        do {
            let value = try bad.line.withUnsafeBytes { try JSONParser.parse(bytes: $0) }
            let object = try #require(value.objectValue)
            _ = try LedgerFact(input: object)
            Issue.record("\(bad.name) was read as a fact")
            return
        } catch let error as JSONParseError {
            (field, message) = (error.path, error.description)
        } catch let error as FactError {
            (field, message) = (error.field, error.description)
        }
        // A path into nested arrays names the element too: data.amount[0][0]...
        #expect(field == bad.field || field.hasPrefix(bad.field + "["), "\(bad.name): \(message)")
        #expect(message.contains(bad.fragment), "\(bad.name): \(message)")
    }

    /// A fact that reads but that the history refuses: the input's third fact, after a
    /// new payment on the corpus's line (the first two facts).
    struct Refused: CustomTestStringConvertible, Sendable {
        var name: String
        var line: String
        var fragment: String
        var testDescription: String { name }
    }

    static let refused: [Refused] = [
        Refused(
            name: "an unknown line",
            line:
                #"{"type":"UsageRecorded","line":"+989129999999","occurredAt":"2024-03-10T10:00:00Z","data":{"amount":5,"description":"x"}}"#,
            fragment: "+989129999999 does not exist"),
        Refused(
            name: "an unknown subscriber",
            line:
                #"{"type":"IdentityVerified","subscriber":"S-999","occurredAt":"2024-03-10T10:00:00Z","data":{"documents":[]}}"#,
            fragment: "S-999"),
        Refused(
            name: "a second activation",
            line:
                #"{"type":"LineActivated","line":"+989121110000","occurredAt":"2024-03-10T10:00:00Z","data":{"subscriberId":"S-300","service":"mobile","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#,
            fragment: "field type: line +989121110000 is already active"),
        Refused(
            name: "an invoice billing more than the charges",
            line:
                #"{"type":"InvoiceIssued","line":"+989121110000","occurredAt":"2024-03-10T10:00:00Z","data":{"invoiceId":"I-2","periodStart":"2024-02-01T00:00:00Z","periodEnd":"2024-03-01T00:00:00Z","items":[],"total":99999999,"dueAt":"2024-03-20T00:00:00Z"}}"#,
            fragment: "field data.total: bills 99999999"),
        Refused(
            name: "a refund of more deposit than held",
            line:
                #"{"type":"DepositRefunded","line":"+989121110000","occurredAt":"2024-03-10T10:00:00Z","data":{"amount":99999999}}"#,
            fragment: "field data.amount: refunds 99999999"),
        Refused(
            name: "a reversal of an unknown payment",
            line:
                #"{"type":"PaymentReversed","line":"+989121110000","occurredAt":"2024-03-10T10:00:00Z","data":{"paymentId":"P-404"}}"#,
            fragment: "field data.paymentId"),
    ]

    static let goodFacts = [
        #"{"type":"PaymentReceived","line":"+989121110000","occurredAt":"2024-03-09T10:00:00Z","data":{"paymentId":"P-7","amount":5000,"method":"cash"}}"#,
        #"{"type":"UsageRecorded","line":"+989121110000","occurredAt":"2024-03-09T11:00:00Z","data":{"amount":7000,"description":"sms"}}"#,
    ]

    static func fact(_ line: String) throws -> LedgerFact {
        try LedgerFact(input: try #require(try JSONParser.parse(line).objectValue))
    }

    /// A ledger holding the first six lines of the corpus (an active line with a deposit).
    static func ledger() throws -> Ledger {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        try ledger.record(try FactCorpus.lines.prefix(6).map(fact))
        return ledger
    }

    @Test(arguments: refused)
    func refusedFactsNameTheirIndexAndFieldAndChangeNothing(_ bad: Refused) throws {
        let ledger = try Self.ledger()
        let before = try ledger.store.head()
        let facts = try (Self.goodFacts + [bad.line]).map(Self.fact)
        let recorded = #expect(throws: LedgerError.self) { try ledger.record(facts) }
        #expect(recorded?.index == 2, "\(bad.name): \(String(describing: recorded))")
        #expect(recorded?.description.contains(bad.fragment) == true, "\(bad.name): \(String(describing: recorded))")
        let applied = #expect(throws: LedgerError.self) { try ledger.apply(facts) }
        #expect(applied?.index == 2, "\(bad.name): \(String(describing: applied))")

        var validator = try FactStreamValidator(ledger: ledger, mode: .record)
        _ = try validator.admit(facts[0], index: 0)
        _ = try validator.admit(facts[1], index: 1)
        let admitted = #expect(throws: LedgerError.self) { try validator.admit(facts[2], index: 2) }
        #expect(admitted?.index == 2)
        #expect(admitted?.description.contains(bad.fragment) == true, "\(bad.name): \(String(describing: admitted))")
        #expect(try ledger.store.head() == before, "\(bad.name): the store changed")
    }

    @Test func recordedAtOutOfOrderIsRefusedAndChangesNothing() throws {
        let ledger = try Self.ledger()
        let before = try ledger.store.head()
        func withRecordedAt(_ line: String, _ time: String) throws -> LedgerFact {
            var fact = try Self.fact(line)
            fact.recordedAt = .at(time)
            return fact
        }
        // Before the store's last recordedAt (2030-01-01, the clock's time), in the future,
        // and going back along the input.
        let cases: [(String, [LedgerFact], Int)] = [
            ("before the store's last", [try withRecordedAt(Self.goodFacts[0], "2029-01-01T00:00:00Z")], 0),
            ("in the future", [try withRecordedAt(Self.goodFacts[0], "2031-01-01T00:00:00Z")], 0),
            (
                "going back",
                [
                    try withRecordedAt(Self.goodFacts[0], "2030-01-01T00:00:00Z"),
                    try withRecordedAt(Self.goodFacts[1], "2029-12-31T00:00:00Z"),
                ], 1
            ),
        ]
        for (name, facts, index) in cases {
            var validator = try FactStreamValidator(ledger: ledger, mode: .record)
            var refusal: LedgerError?
            for (position, fact) in facts.enumerated() {
                do { _ = try validator.admit(fact, index: position) } catch { refusal = error }
            }
            #expect(refusal?.index == index, "\(name): \(String(describing: refusal))")
            #expect(
                refusal?.description.contains("field recordedAt") == true, "\(name): \(String(describing: refusal))")
            #expect(throws: LedgerError.self, "\(name)") { try ledger.record(facts) }
        }
        #expect(try ledger.store.head() == before)
    }

    @Test func anEventIDReusedWithOtherContentIsRefusedAndChangesNothing() throws {
        let ledger = try Self.ledger()
        let before = try ledger.store.head()
        // The corpus's first fact carries an eventId; the same id on another fact.
        var reused = try Self.fact(Self.goodFacts[0])
        reused.eventID = try Self.fact(FactCorpus.lines[0]).eventID
        let error = #expect(throws: LedgerError.self) { try ledger.record([try Self.fact(Self.goodFacts[1]), reused]) }
        #expect(error?.description.contains("already recorded") == true, "\(String(describing: error))")
        #expect(try ledger.store.head() == before)
    }

    @Test func theTablesCount() {
        let total = Self.unreadable.count + Self.refused.count + 3 + 1
        print(
            "bad input (library): \(total) bad inputs: \(Self.unreadable.count) unreadable lines (JSONParser, LedgerFact), "
                + "\(Self.refused.count) facts refused by the history and 4 recordedAt and eventId cases "
                + "(Ledger.record, Ledger.apply, FactStreamValidator); the store unchanged")
    }
}
