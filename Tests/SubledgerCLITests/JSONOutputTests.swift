import Testing
import SubledgerStore

/// `--json` prints exactly one JSON document on standard output, and nothing else.
@Suite("--json")
struct JSONOutputTests {
    @Test func everyReportingCommandPrintsOneJSONDocument() throws {
        let sandbox = try Sandbox()
        let example = try sandbox.file("example.jsonl", WorkedExample.text)
        let imported = try sandbox.subledger("import", "--json", example)
        #expect(try imported.json()["imported"] == .integer(11))
        #expect(try imported.json()["firstPosition"] == .integer(1))
        #expect(try imported.json()["lastPosition"] == .integer(11))

        let other = Sandbox.Runs(sandbox)
        try other.expectOneDocument("status", WorkedExample.line, "--json")
        try other.expectOneDocument(
            "status", WorkedExample.line, "--known-at", "2000-01-01T00:00:00Z", "--json", succeeds: false)
        try other.expectOneDocument("audit", "--json")
        try other.expectOneDocument("audit", "--line", WorkedExample.line, "--json")
        try other.expectOneDocument("settle", WorkedExample.line, "--json")
        try other.expectOneDocument("due", "--at", "2025-02-03T18:30:00Z", "--json")
        try other.expectOneDocument("verify", "--json")
        let settled = try sandbox.subledger("settle", WorkedExample.line, "--json").json()
        for field in ["debt", "credits", "refund", "residualDebt"] { #expect(settled[field] != nil) }
        #expect(settled["credits"]?["auctionProceeds"] != nil)

        let due = try #require(try sandbox.subledger("due", "--at", "2025-02-03T18:30:00Z", "--json").json().elements)
        for entry in due {
            for field in ["line", "action", "rule", "since"] { #expect(entry[field] != nil, "\(entry)") }
        }

        let applying = try Sandbox()
        let applied = try applying.subledger("apply", "--json", try applying.file("actions.jsonl", WorkedExample.text))
        #expect(try applied.json()["applied"] == .integer(11))
        #expect(applied.stderr.isEmpty)
    }
}

extension Sandbox {
    /// Runs of one sandbox that check the `--json` contract.
    struct Runs {
        let sandbox: Sandbox

        init(_ sandbox: Sandbox) {
            self.sandbox = sandbox
        }

        /// Runs the command; a success prints one JSON document and nothing on stderr, a
        /// failure nothing on stdout and one line on stderr.
        func expectOneDocument(
            _ arguments: String..., succeeds: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let result = try sandbox.run(SubledgerBinary.path, arguments)
            if succeeds {
                #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
                #expect(throws: Never.self, "\(result)", sourceLocation: sourceLocation) { try result.json() }
                #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
            } else {
                #expect(result.status != 0, "\(result)", sourceLocation: sourceLocation)
                #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result)", sourceLocation: sourceLocation)
            }
        }
    }
}
