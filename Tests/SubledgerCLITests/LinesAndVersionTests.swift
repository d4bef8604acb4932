import Testing
import SubledgerStore
@testable import subledger

/// Issue 9 item 16: `subledger --version`, and `subledger lines --subscriber ID` so that an
/// officer finds the line a complaint is about.
@Suite("subledger --version and lines --subscriber")
struct LinesAndVersionTests {
    @Test("--version prints the one version of the sources")
    func version() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.subledger("--version")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == SubledgerVersion.current + "\n")
        #expect(result.stdout.split(separator: ".").count == 3, "semantic versioning: \(result)")
    }

    /// The worked example, and a second line (fixed, with a deposit) for its subscriber.
    private func sandboxWithTwoLines() throws -> Sandbox {
        let sandbox = try Sandbox()
        let second =
            #"{"type":"LineActivated","line":"+982188881234","occurredAt":"2025-02-05T07:00:00Z","data":{"subscriberId":"S-100","service":"fixed","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#
        let imported = try sandbox.subledger(
            "import", try sandbox.file("example.jsonl", WorkedExample.text + second + "\n"))
        #expect(imported.status == 0, "\(imported)")
        return sandbox
    }

    @Test("lines --subscriber lists the subscriber's lines with status, plan and service")
    func listsLines() throws {
        let sandbox = try sandboxWithTwoLines()
        let json = try sandbox.subledger("lines", "--subscriber", "S-100", "--json")
        #expect(json.status == 0 && json.stderr.isEmpty, "\(json)")
        let document = try json.json()
        #expect(document["subscriber"] == .string("S-100"))
        let lines = try #require(document["lines"]?.elements)
        #expect(lines.count == 2, "\(document)")
        #expect(
            lines.first
                == .object([
                    "line": .string(WorkedExample.line), "status": .string("active"),
                    "plan": .string("noDeposit"), "service": .string("mobile"),
                ]))
        #expect(lines.last?["line"] == .string("+982188881234"))
        #expect(lines.last?["service"] == .string("fixed"))

        let text = try sandbox.subledger("lines", "--subscriber", "S-100")
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.hasPrefix("subscriber S-100: 2 lines\n"), "\(text)")
        #expect(
            text.stdout.contains(WorkedExample.line) && text.stdout.contains("+982188881234")
                && text.stdout.contains("fixed"), "\(text)")
    }

    @Test("A cut line shows its status")
    func cutLineStatus() throws {
        let sandbox = try Sandbox()
        let beforePayment = WorkedExample.lines[0..<9].joined(separator: "\n") + "\n"
        #expect(try sandbox.subledger("import", try sandbox.file("cut.jsonl", beforePayment)).status == 0)
        let lines = try #require(
            try sandbox.subledger("lines", "--subscriber", "S-100", "--json").json()["lines"]?.elements)
        #expect(lines.map { $0["status"] } == [.string("oneWay")])
    }

    @Test("A subscriber that does not exist is an error, in text and under --json")
    func unknownSubscriber() throws {
        let sandbox = try sandboxWithTwoLines()
        let text = try sandbox.subledger("lines", "--subscriber", "S-999")
        #expect(text.status == 1 && text.stdout.isEmpty, "\(text)")
        #expect(text.stderr == "Error: subscriber S-999 does not exist\n", "\(text)")
        let json = try sandbox.subledger("lines", "--subscriber", "S-999", "--json")
        #expect(json.status == 1 && json.stdout.isEmpty, "\(json)")
        #expect(
            try JSONParser.parse(String(json.stderr.dropLast()))
                == .object(["error": .object(["message": .string("subscriber S-999 does not exist")])]))
        let empty = try sandbox.subledger("lines", "--subscriber", "")
        #expect(empty.status == 64 && empty.stderr.contains("the subscriber id is empty"), "\(empty)")
    }
}
