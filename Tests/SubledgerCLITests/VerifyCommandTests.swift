import Foundation
import Testing
import SubledgerStore

/// `verify FILE` checks an export exactly as tools/verify_export.py does.
@Suite("verify")
struct VerifyCommandTests {
    func exportedSandbox() throws -> (Sandbox, [String]) {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let lines = try sandbox.subledger("export").stdout.split(separator: "\n").map(String.init)
        return (sandbox, lines)
    }

    /// Runs both verifiers on `lines`; expects the same output and exit status; returns ours.
    func verifyBoth(_ sandbox: Sandbox, _ lines: [String], _ options: String...) throws -> CommandResult {
        let path = try sandbox.file("checked.jsonl", lines.joined(separator: "\n") + "\n")
        let ours = try sandbox.run(SubledgerBinary.path, ["verify"] + options + [path])
        if let python = Python.path {
            let theirs = try sandbox.run(python, [Python.verifier] + options + [path])
            #expect(ours.status == theirs.status, "\(ours)\n\(theirs)")
            #expect(ours.stdout == theirs.stdout, "\(ours)\n\(theirs)")
        }
        return ours
    }

    @Test func aGoodExportPasses() throws {
        let (sandbox, lines) = try exportedSandbox()
        let result = try verifyBoth(sandbox, lines)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ok: 11 events, positions 1..11, head "))
        let report = try sandbox.subledger("verify", "--json", sandbox.folder + "/checked.jsonl").json()
        #expect(report["ok"] == .bool(true))
        #expect(report["events"] == .integer(11))
        #expect(report["firstBadPosition"] == .null)
    }

    @Test func aTamperedAmountFailsAtItsPosition() throws {
        let (sandbox, lines) = try exportedSandbox()
        var tampered = lines
        tampered[3] = tampered[3].replacing(#""amount":245000"#, with: #""amount":245001"#)
        let result = try verifyBoth(sandbox, tampered)
        #expect(result.status == 1)
        #expect(result.stdout == "bad: position 4 (file line 4): hash mismatch\n")
        let report = try sandbox.subledger("verify", "--json", sandbox.folder + "/checked.jsonl").json()
        #expect(report["ok"] == .bool(false))
        #expect(report["firstBadPosition"] == .integer(4))
        #expect(report["line"] == .integer(4))
    }

    @Test func aDeletedEventFailsAtThePositionAfterIt() throws {
        let (sandbox, lines) = try exportedSandbox()
        var shortened = lines
        shortened.remove(at: 5)
        let result = try verifyBoth(sandbox, shortened)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("bad: position 7 (file line 6): "))
    }

    @Test func malformedLinesFailAsInPython() throws {
        let (sandbox, lines) = try exportedSandbox()
        for (index, replacement) in [(2, "[1, 2]"), (4, String(lines[4].dropLast(3))), (9, lines[9].replacing(#""card""#, with: #""\ud800""#)),
                                     (1, lines[1].replacing(#""position":2"#, with: #""position":2.0"#)), (3, "")] {
            #expect(replacement != lines[index])
            var broken = lines
            broken[index] = replacement
            let result = try verifyBoth(sandbox, broken)
            #expect(result.status == 1, "\(result)")
        }
    }

    @Test func aLineExportNeedsFilteredAndAnAnchorMustBeFound() throws {
        let (sandbox, lines) = try exportedSandbox()
        let lineExport = try sandbox.subledger("export", "--line", WorkedExample.line).stdout.split(separator: "\n").map(String.init)
        #expect(try verifyBoth(sandbox, lineExport).status == 1)
        let filtered = try verifyBoth(sandbox, lineExport, "--filtered")
        #expect(filtered.status == 0)
        #expect(filtered.stdout.hasPrefix("ok: 9 events, positions 3..11"))
        var withAGap = lineExport
        withAGap.remove(at: 4)
        let gap = try verifyBoth(sandbox, withAGap, "--filtered")
        #expect(gap.status == 0)
        #expect(gap.stderr.contains("1 gap"), "\(gap)")

        guard case .string(let head)? = try JSONParser.parse(lines[10])["hash"] else {
            Issue.record("no hash")
            return
        }
        #expect(try verifyBoth(sandbox, lines, "--anchor", head).status == 0)
        let truncated = try verifyBoth(sandbox, Array(lines.prefix(9)), "--anchor", head)
        #expect(truncated.status == 1)
        #expect(truncated.stdout == "bad: anchor \(head) not found in the export\n")
    }

    @Test func theStoreIsVerifiedWithoutFile() throws {
        let (sandbox, _) = try exportedSandbox()
        let text = try sandbox.subledger("verify")
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("ok: 11 events, head position 11, head hash "))
        let report = try sandbox.subledger("verify", "--json").json()
        #expect(report["ok"] == .bool(true))
        #expect(report["headPosition"] == .integer(11))
    }

    @Test func anUnreadableFileExitsWithTwo() throws {
        let sandbox = try Sandbox()
        let missing = try sandbox.subledger("verify", sandbox.folder + "/nope.jsonl")
        #expect(missing.status == 2)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("nope.jsonl"))
    }
}
