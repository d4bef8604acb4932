import Foundation
import SubledgerStore
import Testing

/// `LineTerminated` through the commands (issue 10, item 1; interchange.md): `import`
/// reads it, `status --json` prints `terminated`, `replay` shows it, `export` and `verify`
/// carry it, and an unknown reason is bad input naming the field and the line.
@Suite("LineTerminated through import, status, replay, export")
struct LineTerminatedCommandTests {
    static let termination =
        #"{"type":"LineTerminated","line":"+989351112233","occurredAt":"2025-03-01T08:00:00Z","data":{"reason":"nonRenewal"}}"#

    @Test func RET1_givenATerminatedLineThenStatusSaysTerminatedAndReplayShowsIt() throws {
        let sandbox = try Sandbox()
        let input = try sandbox.file(
            "facts.jsonl", (WorkedExample.lines + [Self.termination]).joined(separator: "\n") + "\n")
        let imported = try sandbox.subledger("import", input)
        #expect(imported.status == 0, "\(imported)")
        let status = try sandbox.subledger("status", WorkedExample.line, "--json")
        #expect(status.status == 0, "\(status)")
        #expect(try status.json().objectValue?["status"] == .string("terminated"))
        let replay = try sandbox.subledger("replay", WorkedExample.line)
        #expect(replay.stdout.contains("subscription terminated: nonRenewal"), "\(replay)")
        let export = try sandbox.subledger("export").stdout
        #expect(export.contains(#""data":{"reason":"nonRenewal"}"#) && export.contains(#""type":"LineTerminated""#))
        let exported = try sandbox.file("export.jsonl", export)
        #expect(try sandbox.subledger("verify", exported).status == 0)
    }

    @Test func givenAnUnknownTerminationReasonThenImportRefusesItNamingTheFieldAndLine() throws {
        let sandbox = try Sandbox()
        let bad = Self.termination.replacingOccurrences(of: "nonRenewal", with: "tired")
        let input = try sandbox.file("facts.jsonl", (WorkedExample.lines + [bad]).joined(separator: "\n") + "\n")
        let imported = try sandbox.subledger("import", input)
        #expect(imported.status != 0)
        #expect(imported.stderr.contains("data.reason"), "\(imported)")
        #expect(imported.stderr.contains("facts.jsonl:\(WorkedExample.lines.count + 1):"), "\(imported)")
        // Nothing was recorded.
        #expect(try sandbox.subledger("export").stdout.isEmpty)
    }
}
