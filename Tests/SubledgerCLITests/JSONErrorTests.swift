import Testing
import SubledgerStore

/// Issue 9 item 12: under `--json` a failure is one JSON document on standard error,
/// `{"error": {"message", "file", "line", "field", "rule"}}` with the keys that apply,
/// a non-zero exit and nothing on standard output.
@Suite("--json errors: one JSON document on stderr")
struct JSONErrorTests {
    /// The error object of a failed run: stderr parses as exactly one JSON document.
    private func error(of result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject
    {
        #expect(result.status != 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
        #expect(
            result.stderr.hasSuffix("}\n") && result.stderr.split(separator: "\n").count == 1, "\(result)",
            sourceLocation: sourceLocation)
        let document = try JSONParser.parse(result.stderr.trimmingSuffix("\n"))
        #expect(
            document.objectValue?.members.map(\.key).sorted() == ["error"], "\(result)", sourceLocation: sourceLocation)
        return try #require(document["error"]?.objectValue, "\(result)", sourceLocation: sourceLocation)
    }

    @Test("A bad import line gives its file, line and field")
    func badImportLine() throws {
        let sandbox = try Sandbox()
        let bad =
            BadInputCase.goodLines.joined(separator: "\n") + "\n"
            + BadInputCase.usage(data: #"{"amount":-5,"description":"x"}"#) + "\n"
        let path = try sandbox.file("events.jsonl", bad)
        let report = try error(of: try sandbox.subledger("import", path, "--json"))
        #expect(report["file"] == .string(path))
        #expect(report["line"] == .integer(3))
        #expect(report["field"] == .string("data.amount"))
        #expect(report["rule"] == nil)
        let message = try #require(report["message"]?.stringValue)
        #expect(message.hasPrefix("\(path):3: field data.amount: "), "\(message)")
        // Without --json, the same sentence after `Error: `.
        let text = try sandbox.subledger("import", path)
        #expect(text.stderr == "Error: \(message)\n", "\(text)")
        #expect(try sandbox.storeHead() == nil)
    }

    @Test("Malformed JSON and a BOM on a line name the file and the line")
    func malformedLine() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.file("events.jsonl", BadInputCase.goodLines[0] + "\n{\"type\":\n")
        let report = try error(of: try sandbox.subledger("import", "--json", path))
        #expect(report["file"] == .string(path))
        #expect(report["line"] == .integer(2))
        #expect(report["message"]?.stringValue?.contains("malformed JSON") == true, "\(report)")
    }

    @Test("An apply refusal gives its rule, file and line")
    func applyRefusal() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.file("actions.jsonl", WorkedExample.earlyCutText)
        let report = try error(of: try sandbox.subledger("apply", path, "--json"))
        #expect(report["rule"] == .string("CUT-1"), "\(report)")
        #expect(report["file"] == .string(path))
        #expect(report["line"] == .integer(9))
        #expect(report["message"]?.stringValue?.contains("refused by CUT-1 (edition 2021)") == true, "\(report)")
        #expect(try sandbox.storeHead() == nil)
    }

    @Test("A line that does not exist, for status --json, gives a message")
    func missingLine() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let report = try error(of: try sandbox.subledger("status", "+989121234567", "--json"))
        #expect(report["message"] == .string("line +989121234567 does not exist"), "\(report)")
        #expect(report.members.map(\.key).sorted() == ["message"])
    }

    @Test(
        "Usage errors of a command that has --json are JSON too, naming the option or argument as the field",
        arguments: [
            (["status", "--json"], "Missing expected argument", "<line>"),
            (["status", WorkedExample.line, "--json", "--as-of", "yesterday"], "not an RFC 3339 time", "--as-of"),
            (["due", "--json", "--at", "1402-11-12T16:30:00+03:30"], "1402/11/12 16:30", "--at"),
            (["audit", "--json", "--bogus"], "Unknown option", "--bogus"),
            (["settle", "0935 111 2233", "--json"], "did you mean +989351112233?", "<line>"),
            (["lines", "--json"], "--subscriber", "--subscriber"),
        ])
    func usageErrors(_ arguments: [String], _ expected: String, _ field: String) throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let result = try sandbox.run(SubledgerBinary.path, arguments)
        #expect(result.status == 64, "\(result)")
        let report = try error(of: result)
        #expect(report["message"]?.stringValue?.contains(expected) == true, "\(report)")
        #expect(report["field"] == .string(field), "\(report)")
    }

    @Test("A file that cannot be read, and a line beyond the bound, name the file (and the line)")
    func unreadableFile() throws {
        let sandbox = try Sandbox()
        let missing = sandbox.folder + "/missing.jsonl"
        let report = try error(of: try sandbox.subledger("import", "--json", missing))
        #expect(report["file"] == .string(missing), "\(report)")
        #expect(report["message"]?.stringValue?.hasPrefix("cannot read \(missing): ") == true, "\(report)")
        let long = try sandbox.file(
            "long.jsonl", BadInputCase.goodLines[0] + "\n" + String(repeating: " ", count: 17_000_000) + "\n")
        let tooLong = try error(of: try sandbox.subledger("import", "--json", long))
        #expect(tooLong["file"] == .string(long) && tooLong["line"] == .integer(2), "\(tooLong)")
    }

    @Test("No store, under --json, is a JSON error; without --json it stays text; help stays help")
    func otherFailures() throws {
        let sandbox = try Sandbox()
        let report = try error(of: try sandbox.subledger("audit", "--json"))
        #expect(report["message"]?.stringValue?.hasPrefix("no store at ") == true, "\(report)")
        let text = try sandbox.subledger("audit")
        #expect(text.stderr.hasPrefix("Error: no store at "), "\(text)")
        let help = try sandbox.subledger("status", "--help", "--json")
        #expect(help.status == 0 && help.stdout.contains("USAGE"), "\(help)")
        // A command without --json keeps ArgumentParser's text.
        let export = try sandbox.subledger("export", "--json")
        #expect(export.status == 64 && export.stderr.hasPrefix("Error: "), "\(export)")
    }
}

extension String {
    /// The text without one trailing `suffix`.
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
