import Foundation
import SubledgerStore
import Testing

/// CMP-1 through the commands (issue 11, item 10): `import` records complaints, `apply`
/// records the operator's answer with rule CMP-1, `due` lists `answer`, `status` counts the
/// open complaints, `replay` shows a complaint beside the cut it is about; an answer to no
/// complaint is bad input naming the file, the line and the field, and records nothing.
@Suite("CMP-1 through import, apply, due, status, replay")
struct ComplaintCommandTests {
    static func complaint(_ id: String, about: String, position: Int?, at time: String) -> String {
        let named = position.map { #","position":\#($0)"# } ?? ""
        return
            #"{"type":"ComplaintFiled","line":"+989351112233","occurredAt":"\#(time)","data":{"complaintId":"\#(id)","about":"\#(about)","channel":"call"\#(named)}}"#
    }

    static func answer(_ id: String, at time: String) -> String {
        #"{"type":"ComplaintAnswered","line":"+989351112233","occurredAt":"\#(time)","data":{"complaintId":"\#(id)","outcome":"upheld"}}"#
    }

    @Test func CMP1_givenComplaintsWhenOneIsAnsweredThenDueStatusAndReplayShowThem() throws {
        let sandbox = try Sandbox()
        #expect(
            try sandbox.subledger(
                "import", sandbox.file("facts.jsonl", WorkedExample.lines.joined(separator: "\n") + "\n")
            ).status == 0)
        // Position 9 is the worked example's one-way cut.
        let complaints = [
            Self.complaint("C-1", about: "cut", position: 9, at: "2025-02-04T09:00:00Z"),
            Self.complaint("C-2", about: "charge", position: nil, at: "2025-02-05T09:00:00Z"),
        ]
        let imported = try sandbox.subledger(
            "import", sandbox.file("complaints.jsonl", complaints.joined(separator: "\n") + "\n"))
        #expect(imported.status == 0, "\(imported)")
        let applied = try sandbox.subledger(
            "apply", sandbox.file("answer.jsonl", Self.answer("C-1", at: "2025-02-06T09:00:00Z") + "\n"))
        #expect(applied.status == 0, "\(applied)")
        let export = try sandbox.subledger("export").stdout
        #expect(export.contains(#""rule":"CMP-1""#), "\(export)")

        let due = try sandbox.subledger("due", "--at", "2025-02-07T00:00:00Z", "--json")
        guard case .array(let entries) = try due.json() else {
            Issue.record("due --json is not an array: \(due)"); return
        }
        let answers = entries.compactMap(\.objectValue).filter { $0["action"] == .string("answer") }
        #expect(answers.count == 1, "\(due)")
        #expect(answers.first?["complaint"] == .string("C-2") && answers.first?["rule"] == .string("CMP-1"), "\(due)")
        #expect(try sandbox.subledger("due", "--at", "2025-02-07T00:00:00Z").stdout.contains("answer C-2"))
        let status = try sandbox.subledger("status", WorkedExample.line, "--json")
        #expect(try status.json().objectValue?["openComplaints"] == .integer(1), "\(status)")
        let replay = try sandbox.subledger("replay", WorkedExample.line)
        #expect(replay.stdout.contains("complained of: complaint C-1 (cut)"), "\(replay)")
        let replayJSON = try sandbox.subledger("replay", WorkedExample.line, "--json").json()
        guard case .array(let all)? = replayJSON.objectValue?["complaints"] else {
            Issue.record("no complaints in replay --json"); return
        }
        #expect(all.count == 2)
    }

    /// interchange.md: an export imported into an empty store reproduces its hashes; a
    /// complaint's position names an event earlier in the same file, given with its position.
    @Test func CMP1_anExportWithAComplaintAboutAnEarlierEventImportedIntoAnEmptyStoreReproducesItsHashes() throws {
        let sandbox = try Sandbox()
        #expect(
            try sandbox.subledger(
                "import", sandbox.file("facts.jsonl", WorkedExample.lines.joined(separator: "\n") + "\n")
            ).status == 0)
        let complaint = Self.complaint("C-1", about: "cut", position: 9, at: "2025-02-04T09:00:00Z")
        #expect(try sandbox.subledger("import", sandbox.file("complaint.jsonl", complaint + "\n")).status == 0)
        let export = try sandbox.subledger("export")
        #expect(export.status == 0 && export.stdout.contains(#""position":9"#))
        let copy = sandbox.folder + "/copy"
        let imported = try sandbox.subledger("import", "--db", copy, try sandbox.file("export.jsonl", export.stdout))
        #expect(imported.status == 0, "\(imported)")
        let original = try sandbox.subledger("verify", "--json").json()
        let copied = try sandbox.subledger("verify", "--db", copy, "--json").json()
        #expect(copied["headHash"] == original["headHash"] && copied["ok"] == .bool(true))
    }

    @Test func CMP1_givenAnAnswerToNoComplaintThenImportRefusesItNamingFileLineAndFieldAndRecordsNothing() throws {
        let sandbox = try Sandbox()
        #expect(
            try sandbox.subledger(
                "import", sandbox.file("facts.jsonl", WorkedExample.lines.joined(separator: "\n") + "\n")
            ).status == 0)
        let before = try sandbox.subledger("export").stdout
        let input = [
            Self.complaint("C-1", about: "invoice", position: nil, at: "2025-02-04T09:00:00Z"),
            Self.answer("C-9", at: "2025-02-05T09:00:00Z"),
        ]
        let imported = try sandbox.subledger("import", sandbox.file("bad.jsonl", input.joined(separator: "\n") + "\n"))
        #expect(imported.status != 0)
        #expect(imported.stderr.contains("bad.jsonl:2:") && imported.stderr.contains("data.complaintId"), "\(imported)")
        // A complaint about another line's event, or a position not yet recorded: refused too.
        let elsewhere = try sandbox.subledger(
            "import",
            sandbox.file(
                "elsewhere.jsonl", Self.complaint("C-3", about: "cut", position: 1, at: "2025-02-04T09:00:00Z") + "\n"))
        #expect(
            elsewhere.status != 0 && elsewhere.stderr.contains("elsewhere.jsonl:1:")
                && elsewhere.stderr.contains("data.position"), "\(elsewhere)")
        #expect(try sandbox.subledger("export").stdout == before)
    }
}
