import Foundation
import Testing
@testable import subledger

/// Issue 9 item 13: messages that named the wrong thing, or nothing, now say what is wrong
/// in plain words.
@Suite("Messages: BOM, --html folder, empty and national line numbers")
struct ArgumentMessageTests {
    private func sandboxWithExample() throws -> Sandbox {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        return sandbox
    }

    @Test("import names a byte order mark at the start of the file, and refuses it whole")
    func byteOrderMarkIsNamed() throws {
        let sandbox = try Sandbox()
        let path = sandbox.folder + "/bom.jsonl"
        try Data([0xEF, 0xBB, 0xBF] + Array(WorkedExample.text.utf8)).write(to: URL(fileURLWithPath: path))
        for command in ["import", "apply"] {
            let refused = try sandbox.subledger(command, path)
            #expect(refused.status == 1, "\(refused)")
            #expect(
                refused.stderr
                    == "Error: \(path):1: the file starts with a UTF-8 byte order mark (EF BB BF); remove it: JSON Lines is UTF-8 without one\n",
                "\(refused)")
            #expect(!refused.stderr.contains("unexpected character"), "\(refused)")
        }
        #expect(try sandbox.storeHead() == nil, "nothing was recorded")
        let json = try sandbox.subledger("import", "--json", path)
        #expect(json.stderr.contains(#""line":1"#) && json.stderr.contains("byte order mark"), "\(json)")
        // The same bytes later in a file are the JSON parser's to name (a BOM is only a BOM first).
        let later = try sandbox.file(
            "later.jsonl", WorkedExample.lines[0] + "\n\u{FEFF}" + WorkedExample.lines[1] + "\n")
        #expect(try sandbox.subledger("import", later).stderr.contains("later.jsonl:2: "))
    }

    @Test("replay --html DIR says the path is a folder, and a missing folder says so, before any work")
    func htmlIntoAFolder() throws {
        let sandbox = try sandboxWithExample()
        let folder = sandbox.folder + "/pages"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let refused = try sandbox.subledger("replay", WorkedExample.line, "--html", folder)
        #expect(refused.status == 1, "\(refused)")
        #expect(
            refused.stderr
                == "Error: cannot write the replay to \(folder): it is a folder; give a file name, such as \(folder)/replay.html\n",
            "\(refused)")
        #expect(!refused.stderr.contains("NSCocoaErrorDomain"))
        let missing = try sandbox.subledger(
            "replay", WorkedExample.line, "--html", sandbox.folder + "/nowhere/replay.html")
        #expect(
            missing.status == 1 && missing.stderr.contains("the folder \(sandbox.folder)/nowhere does not exist"),
            "\(missing)")
        let written = try sandbox.subledger("replay", WorkedExample.line, "--html", folder + "/replay.html")
        #expect(written.status == 0, "\(written)")
        #expect(try String(contentsOfFile: folder + "/replay.html", encoding: .utf8).contains("<html"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder) == ["replay.html"],
            "no partial file left behind")
    }

    @Test(
        "An empty line number is named as empty",
        arguments: [
            ["status", ""], ["replay", ""], ["settle", ""], ["audit", "--line", ""], ["export", "--line", ""],
        ])
    func emptyLineNumber(_ arguments: [String]) throws {
        let sandbox = try sandboxWithExample()
        let refused = try sandbox.run(SubledgerBinary.path, arguments)
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stderr.contains("the line number is empty"), "\(refused)")
        #expect(!refused.stderr.contains("line  does not exist"), "\(refused)")
    }

    @Test(
        "A national number, or one without +, gets \"did you mean +98...?\"",
        arguments: [
            ["replay", "09902853953"], ["status", "09902853953"], ["settle", "989902853953"],
            ["export", "--line", "9902853953"], ["audit", "--line", "0098 990 285 3953"],
        ])
    func nationalNumberGetsASuggestion(_ arguments: [String]) throws {
        let sandbox = try sandboxWithExample()
        let refused = try sandbox.run(SubledgerBinary.path, arguments)
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(refused.stderr.contains("is not an E.164 number: did you mean +989902853953?"), "\(refused)")
    }

    @Test(
        "The suggestion: national, without +, with 00, spaced; none when nothing fits",
        arguments: [
            ("09121234567", "+989121234567"), ("989121234567", "+989121234567"), ("9121234567", "+989121234567"),
            ("00989121234567", "+989121234567"), ("0912 123 4567", "+989121234567"),
            ("+98 912-123-4567", "+989121234567"),
            ("(021) 8888 1234", "+982188881234"), ("+09121234567", "+989121234567"),
        ])
    func suggestions(_ text: String, _ expected: String) {
        #expect(LineArgument.suggestion(for: text) == expected)
    }

    @Test("No suggestion for what cannot be a number; a valid number is taken as it is")
    func noSuggestion() throws {
        for text in ["abc", "+", "0", "12", "+98912123456789012", "0912abc"] {
            #expect(LineArgument.suggestion(for: text) == nil, "\(text)")
            #expect(throws: (any Error).self) { try LineArgument.parse(text) }
        }
        #expect(try LineArgument.parse("+989121234567") == "+989121234567")
    }
}
