import Testing
import SubledgerStore

/// TIME-1 in the commands' human output (issue 9, item 14): `status`, `due` and `audit`
/// show Tehran time with both calendars, never `.000`; `--json` keeps UTC RFC 3339.
@Suite("Times shown to people by status, due and audit (TIME-1)")
struct HumanTimesTests {
    func importedWorkedExample(_ text: String = WorkedExample.text) throws -> Sandbox {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", try sandbox.file("example.jsonl", text))
        #expect(imported.status == 0, "\(imported)")
        return sandbox
    }

    @Test("TIME-1: status's view header is Tehran time with both dates")
    func statusHeaderInTehranTime() throws {
        let sandbox = try importedWorkedExample()
        let status = try sandbox.subledger("status", WorkedExample.line, "--as-of", "2025-02-03T20:00:00Z")
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.hasPrefix("line +989351112233 as of 1403-11-15 23:30 Tehran (2025-02-03)\n"), "\(status)")
        #expect(!status.stdout.contains(".000"))
        #expect(!status.stdout.contains("T20:00"))
    }

    @Test("TIME-1: due's heading and its since column are Tehran time; --json keeps RFC 3339")
    func dueInTehranTime() throws {
        let sandbox = try importedWorkedExample()
        let nothing = try sandbox.subledger("due", "--at", "2025-01-05T00:00:00Z")
        #expect(nothing.status == 0, "\(nothing)")
        #expect(nothing.stdout == "nothing due at 1403-10-16 03:30 Tehran (2025-01-05)\n", "\(nothing)")
        // After the deadline of N-7 and before the cut, the cut is due.
        let due = try sandbox.subledger("due", "--at", "2025-02-03T18:30:00Z")
        #expect(due.status == 0, "\(due)")
        let lines = due.stdout.split(separator: "\n")
        #expect(lines.first?.hasSuffix(" due at 1403-11-15 22:00 Tehran (2025-02-03)") == true, "\(due)")
        #expect(lines.count >= 3, "\(due)")
        #expect(lines.dropFirst().first?.contains("since (Tehran)") == true, "\(due)")
        for row in lines.dropFirst(2) {
            #expect(row.contains(" Tehran (20"), "\(row)")
            #expect(!row.contains(".000Z"), "\(row)")
        }
        let json = try #require(try sandbox.subledger("due", "--at", "2025-02-03T18:30:00Z", "--json").json().elements)
        #expect(!json.isEmpty)
        for entry in json {
            guard case .string(let since)? = entry["since"] else { Issue.record("no since: \(entry)"); continue }
            #expect(since.hasSuffix("Z") && since.contains("T"), "\(since)")
        }
    }

    @Test("TIME-1: the audit's table shows when in Tehran time, its messages' instants too; --json keeps RFC 3339")
    func auditInTehranTime() throws {
        let sandbox = try importedWorkedExample(WorkedExample.earlyCutText)
        let audit = try sandbox.subledger("audit")
        #expect(audit.status == 0, "\(audit)")
        let row = try #require(
            audit.stdout.split(separator: "\n").first { $0.contains("violation  CUT-1") }, "\(audit)")
        #expect(row.contains("position 9  1403-11-15 21:40:02 Tehran (2025-02-03)  "), "\(row)")
        #expect(row.contains("1403-11-15 21:40:04 Tehran (2025-02-03)"), "the deadline in the message: \(row)")
        #expect(!audit.stdout.contains(".000Z"), "\(audit)")
        let findings = try #require(try sandbox.subledger("audit", "--json").json().elements)
        #expect(findings.contains { $0["occurredAt"] == .string("2025-02-03T18:10:02.000Z") }, "\(findings)")
    }
}
