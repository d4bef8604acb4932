import Foundation
import Testing
import SubledgerStore

/// spec/examples/README.md, asserted through the built executable.
@Suite("The worked example through the command line")
struct WorkedExampleCommandTests {
    /// WorkedExample's lines are the tests' copy of the spec's example (issue 9): no test
    /// reads ../shared.
    @Test func theInlinedExampleIsTheFixtureFile() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/spec-examples/threshold-cut.jsonl")
        #expect(try String(contentsOf: fixture, encoding: .utf8) == WorkedExample.text)
    }

    @Test func importThenStatusAuditAndExportGiveTheExpectedAnswers() throws {
        let sandbox = try Sandbox()
        let input = try sandbox.file("threshold-cut.jsonl", WorkedExample.text)
        let imported = try sandbox.subledger("import", input)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout == "imported 11 events (positions 1..11)\n")
        #expect(imported.stderr.isEmpty, "no progress bar when standard error is not a terminal")

        let atTheCut = try sandbox.subledger("status", WorkedExample.line, "--as-of", "2025-02-03T20:00:00Z", "--json")
            .json()
        #expect(atTheCut["status"] == .string("oneWay"))
        #expect(atTheCut["debt"] == .integer(315_000))
        #expect(atTheCut["threshold"] == .integer(300_000))
        #expect(atTheCut["credit"] == .integer(0))

        let now = try sandbox.subledger("status", WorkedExample.line, "--json").json()
        #expect(now["status"] == .string("active"))
        #expect(now["debt"] == .integer(0))
        for field in ["plan", "service", "overdue", "deposit", "guarantee", "refundDue"] {
            #expect(now[field] != nil, "status has \(field)")
        }

        let findings = try #require(try sandbox.subledger("audit", "--json").json().elements)
        #expect(!findings.contains { $0["severity"] == .string("violation") }, "\(findings)")

        let export = try sandbox.subledger("export", "--format", "jsonl")
        #expect(export.status == 0, "\(export)")
        let events = try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(events.count == 11)
        #expect(events.map { $0["position"] } == (1...11).map { .integer(Int64($0)) })
        var previous = String(repeating: "0", count: 64)
        for event in events {
            #expect(event["prevHash"] == .string(previous))
            guard case .string(let hash)? = event["hash"] else {
                Issue.record("an event without its hash: \(event)")
                break
            }
            #expect(hash.count == 64)
            previous = hash
        }
    }

    @Test func humanStatusIsATableWithDigitGroupedRials() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text))
        let status = try sandbox.subledger("status", WorkedExample.line, "--as-of", "2025-02-03T20:00:00Z")
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("oneWay"))
        #expect(status.stdout.contains("315,000 rials"))
        #expect(status.stdout.contains("300,000 rials"))
    }

    @Test func aCutBeforeTwentyFourHoursFromDeliveryIsFoundByTheAuditAndRefusedByApply() throws {
        let auditing = try Sandbox()
        let imported = try auditing.subledger(
            "import", try auditing.file("early-cut.jsonl", WorkedExample.earlyCutText))
        #expect(imported.status == 0, "import records the unlawful cut as it is: \(imported)")
        let findings = try #require(try auditing.subledger("audit", "--json").json().elements)
        #expect(
            findings.contains { $0["rule"] == .string("CUT-1") && $0["severity"] == .string("violation") },
            "\(findings)")
        let human = try auditing.subledger("audit")
        #expect(human.stdout.contains("CUT-1") && human.stdout.contains("1 violation"), "\(human)")

        let applying = try Sandbox()
        let refused = try applying.subledger("apply", try applying.file("actions.jsonl", WorkedExample.earlyCutText))
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("actions.jsonl:9: refused by CUT-1 (edition 2021): "), "\(refused)")
        #expect(refused.stderr.contains(WorkedExample.line), "\(refused)")
        #expect(try applying.storeHead() == nil, "a refused apply into no store creates none")
    }

    @Test func applyOntoAStoreRefusesTheCutAndLeavesTheStoreAsItWas() throws {
        let sandbox = try Sandbox()
        let history = WorkedExample.lines[0..<7].joined(separator: "\n") + "\n"
        #expect(try sandbox.subledger("import", try sandbox.file("history.jsonl", history)).status == 0)
        let before = try sandbox.storeHead()
        let cut = WorkedExample.earlyCutText.split(separator: "\n")[7...8].joined(separator: "\n") + "\n"
        let refused = try sandbox.subledger("apply", try sandbox.file("cut.jsonl", cut))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cut.jsonl:2: refused by CUT-1 (edition 2021)"), "\(refused)")
        #expect(try sandbox.storeHead() == before)
        #expect(before?.hasPrefix("7 ") == true)
    }

    @Test func applyRecordsTheRulesThatAllowedEachActionInItsMetadata() throws {
        let sandbox = try Sandbox()
        let applied = try sandbox.subledger("apply", try sandbox.file("actions.jsonl", WorkedExample.text))
        #expect(applied.stdout == "applied 11 events (positions 1..11)\n", "\(applied)")
        let cut = try JSONParser.parse(String(try sandbox.subledger("export").stdout.split(separator: "\n")[8]))
        guard case .string(let rules)? = cut["metadata"]?["rule"] else {
            Issue.record("no rule in the cut's metadata: \(cut)")
            return
        }
        #expect(rules.contains("CUT-1"))
        #expect(cut["metadata"]?["policyEdition"] == .string("2021"))
    }

    @Test func importReadsStandardInput() throws {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", "-", input: WorkedExample.text)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout == "imported 11 events (positions 1..11)\n")
        let again = try sandbox.subledger("import", "-", input: WorkedExample.lines[0] + "\n")
        #expect(again.status != 0)
        #expect(again.stderr.contains("stdin:1: field type: subscriber S-100 is already registered"), "\(again)")
    }

    @Test func theStoreIsNamedByDbOrByTheEnvironment() throws {
        let sandbox = try Sandbox()
        let other = sandbox.folder + "/other-store"
        let input = try sandbox.file("example.jsonl", WorkedExample.text)
        #expect(try sandbox.subledger("import", "--db", other, input).status == 0)
        #expect(try sandbox.subledger("status", WorkedExample.line, "--db", other).status == 0)
        let missing = try sandbox.subledger("status", WorkedExample.line)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no store at \(sandbox.store)"), "\(missing)")
        #expect(try sandbox.storeHead() == nil, "a command that only reads creates no store")
    }
}
