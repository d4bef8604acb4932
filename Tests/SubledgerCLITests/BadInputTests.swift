import Testing

/// Input that cannot be a fact: refused whole, naming FILE:LINE and the field, with a
/// non-zero exit, and the store unchanged.
@Suite("Bad input is refused whole")
struct BadInputTests {
    /// A bad third line after two good ones (a new subscriber).
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var badLine: String
        var expected: [String]

        var testDescription: String { name }

        var text: String {
            [
                #"{"type":"SubscriberRegistered","subscriber":"S-200","occurredAt":"2025-03-01T09:00:00Z","data":{"subscriberId":"S-200","kind":"individual","governmental":false,"name":"Sara Ahmadi","nationalId":"0012345678"}}"#,
                #"{"type":"IdentityVerified","subscriber":"S-200","occurredAt":"2025-03-01T09:05:00Z","data":{"documents":["national-id-card"]}}"#,
                badLine,
            ].joined(separator: "\n") + "\n"
        }
    }

    static let cases: [Case] = [
        Case(
            name: "malformed JSON",
            badLine:
                #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-03-02T10:00:00Z","data":{"amount":5"#,
            expected: ["events.jsonl:3: ", "malformed JSON"]),
        Case(
            name: "negative amount",
            badLine:
                #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-03-02T10:00:00Z","data":{"amount":-5,"description":"x"}}"#,
            expected: ["events.jsonl:3: field data.amount: must not be negative (-5)"]),
        Case(
            name: "unknown type",
            badLine:
                #"{"type":"UsageRecordedd","line":"+989351112233","occurredAt":"2025-03-02T10:00:00Z","data":{"amount":5,"description":"x"}}"#,
            expected: ["events.jsonl:3: field type: ", "UsageRecordedd"]),
        Case(
            name: "unknown line",
            badLine:
                #"{"type":"UsageRecorded","line":"+989120000009","occurredAt":"2025-03-02T10:00:00Z","data":{"amount":5,"description":"x"}}"#,
            expected: ["events.jsonl:3: field line: ", "+989120000009 does not exist"]),
        Case(
            name: "a number beyond 64 bits",
            badLine:
                #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-03-02T10:00:00Z","data":{"amount":99999999999999999999,"description":"x"}}"#,
            expected: ["events.jsonl:3: field data.amount: ", "64 bits"]),
        Case(
            name: "a time that is not RFC 3339",
            badLine:
                #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"yesterday","data":{"amount":5,"description":"x"}}"#,
            expected: ["events.jsonl:3: field occurredAt: ", "RFC 3339"]),
        Case(
            name: "a missing field",
            badLine:
                #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-03-02T10:00:00Z","data":{"description":"x"}}"#,
            expected: ["events.jsonl:3: field data.amount: missing"]),
        Case(
            name: "not an object",
            badLine: "[1, 2]",
            expected: ["events.jsonl:3: not a JSON object"]),
    ]

    @Test(arguments: cases)
    func refusedWithFileLineAndFieldAndNothingWritten(_ bad: Case) throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let before = try sandbox.storeHead()
        let refused = try sandbox.subledger("import", try sandbox.file("events.jsonl", bad.text))
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
        for fragment in bad.expected {
            #expect(refused.stderr.contains(fragment), "\(refused)")
        }
        #expect(refused.stderr.split(separator: "\n").count == 1, "one line on stderr: \(refused)")
        #expect(try sandbox.storeHead() == before)
        #expect(try sandbox.subledger("export").stdout.split(separator: "\n").count == 11)
    }

    @Test func recordedAtMayNotGoBackAlongTheFile() throws {
        let sandbox = try Sandbox()
        let lines = [
            WorkedExample.lines[0].replacing(
                #""occurredAt""#, with: #""recordedAt":"2025-01-05T00:00:00Z","occurredAt""#),
            WorkedExample.lines[1].replacing(
                #""occurredAt""#, with: #""recordedAt":"2025-01-04T23:59:59Z","occurredAt""#),
        ]
        let refused = try sandbox.subledger(
            "import", try sandbox.file("history.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("history.jsonl:2: field recordedAt: "), "\(refused)")
        #expect(try sandbox.storeHead() == nil)
    }

    @Test func recordedAtIsKeptOnImportAndRefusedByApply() throws {
        let sandbox = try Sandbox()
        let first = WorkedExample.lines[0].replacing(
            #""occurredAt""#, with: #""recordedAt":"2025-01-05T00:00:00Z","occurredAt""#)
        let path = try sandbox.file("history.jsonl", first + "\n")
        let applied = try sandbox.subledger("apply", path)
        #expect(applied.status != 0)
        #expect(
            applied.stderr.contains("history.jsonl:1: field recordedAt: only import accepts recordedAt"), "\(applied)")
        #expect(try sandbox.subledger("import", path).status == 0)
        #expect(try sandbox.subledger("export").stdout.contains(#""recordedAt":"2025-01-05T00:00:00.000Z""#))
    }

    @Test func aFileThatDoesNotExistIsNamed() throws {
        let sandbox = try Sandbox()
        let missing = try sandbox.subledger("import", sandbox.folder + "/nope.jsonl")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.jsonl"), "\(missing)")
        #expect(try sandbox.storeHead() == nil)
    }
}
