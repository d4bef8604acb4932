import Foundation
import SubledgerStore
import Testing

/// `verify FILE` of an `export --disclose` (issue 11, item 12; issue 10, item 1): the
/// disclosures are never hashed, and each must open its commitment, as
/// `tools/verify_export.py` checks them (its step 3b). Both verifiers give the same
/// verdict, word for word and in `--json` (with `disclosures`), and a changed value or
/// salt is named by its path, never by the value or the salt.
@Suite("verify FILE: disclosures against commitments, as the Python verifier")
struct DisclosedExportVerificationTests {
    /// A sandbox with the worked example imported, and its `export --disclose` lines.
    static func disclosedExport() throws -> (Sandbox, [String]) {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let export = try sandbox.subledger("export", "--disclose")
        #expect(export.status == 0, "\(export)")
        return (sandbox, export.stdout.split(separator: "\n").map(String.init))
    }

    /// `verify --json` and `verify` of `lines` by subledger and (when there) by Python: the
    /// two must agree, member for member and word for word. Returns subledger's JSON.
    static func verify(
        _ lines: [String], in sandbox: Sandbox, _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (json: JSONObject, text: String) {
        let path = try sandbox.file("disclosed.jsonl", lines.joined(separator: "\n") + "\n")
        let ours = try sandbox.run(SubledgerBinary.path, ["verify", "--json", path])
        let json = try #require(
            try JSONParser.parse(ours.stdout).objectValue, "\(context): \(ours)", sourceLocation: sourceLocation)
        let text = try sandbox.run(SubledgerBinary.path, ["verify", path])
        if let python = Python.path {
            let theirs = try sandbox.run(python, [Python.verifier, "--json", path])
            #expect(
                try theirs.json() == .object(json), "\(context): python says \(theirs.stdout), we say \(ours.stdout)",
                sourceLocation: sourceLocation)
            #expect(theirs.status == ours.status, "\(context)", sourceLocation: sourceLocation)
            let theirText = try sandbox.run(python, [Python.verifier, path])
            #expect(theirText.stdout == text.stdout, "\(context)", sourceLocation: sourceLocation)
            #expect(theirText.stderr == text.stderr, "\(context): the notes", sourceLocation: sourceLocation)
        }
        return (json, text.stdout + text.stderr)
    }

    static func disclosedLine(_ lines: [String]) throws -> Int {
        try #require(lines.firstIndex { $0.contains(#""disclosures":"#) })
    }

    @Test func item12_aDisclosedExportVerifiesInBothAndCountsItsDisclosures() throws {
        let (sandbox, lines) = try Self.disclosedExport()
        let index = try Self.disclosedLine(lines)
        let event = try #require(try JSONParser.parse(lines[index]).objectValue)
        let count = try #require(event["disclosures"]?.objectValue).count
        #expect(count == 2)
        let (json, text) = try Self.verify(lines, in: sandbox, "as exported")
        #expect(json["ok"] == .bool(true))
        #expect(json["disclosures"] == .integer(Int64(count)))
        #expect(text.contains("note: 2 disclosures checked against their commitments"))
        // Without --disclose the object has no `disclosures` member (it is Python's plain one).
        let plain = try sandbox.subledger("export").stdout.split(separator: "\n").map(String.init)
        let (plainJSON, _) = try Self.verify(plain, in: sandbox, "plain export")
        #expect(plainJSON["ok"] == .bool(true) && plainJSON["disclosures"] == nil)
        #expect(plainJSON["head"] == json["head"], "disclosures are not hashed")
    }

    @Test func item12_aChangedDisclosedValueOrSaltIsNamedByItsPathNeverByTheValue() throws {
        let (sandbox, lines) = try Self.disclosedExport()
        let index = try Self.disclosedLine(lines)
        let event = try #require(try JSONParser.parse(lines[index]).objectValue)
        let disclosures = try #require(event["disclosures"]?.objectValue)
        let name = try #require(disclosures["data.name"]?.objectValue)
        let value = try #require(name["value"]?.stringValue)
        let salt = try #require(name["salt"]?.stringValue)
        let position = try #require(event["position"])
        let flippedSalt = String(salt.dropLast()) + (salt.last == "0" ? "1" : "0")
        let cases: [(String, String, String)] = [
            ("a changed value", ExportTextFixture.quoted(value), ExportTextFixture.quoted(value + "x")),
            ("a changed salt", "\"\(salt)\"", "\"\(flippedSalt)\""),
        ]
        for (what, old, new) in cases {
            var tampered = lines
            tampered[index] = lines[index].replacingOccurrences(of: old, with: new)
            #expect(tampered[index] != lines[index], "\(what)")
            let (json, text) = try Self.verify(tampered, in: sandbox, what)
            #expect(json["ok"] == .bool(false), "\(what)")
            #expect(json["firstBadPosition"] == position, "\(what)")
            #expect(json["line"] == .integer(Int64(index + 1)), "\(what)")
            #expect(
                json["reason"]
                    == .string(
                        #"disclosure "data.name" does not open its commitment (salt and value do not hash to it)"#),
                "\(what)")
            for secret in [value, salt, flippedSalt] {
                #expect(!text.contains(secret), "\(what): the message shows personal data or a salt")
            }
        }
    }

    @Test func item12_disclosuresOfTheWrongShapeAreRefusedAsPythonRefusesThem() throws {
        let (sandbox, lines) = try Self.disclosedExport()
        let index = try Self.disclosedLine(lines)
        var event = try #require(try JSONParser.parse(lines[index]).objectValue)
        let disclosures = try #require(event["disclosures"]?.objectValue)
        let name = try #require(disclosures["data.name"])
        let cases: [(String, JSONValue, String)] = [
            ("not an object", .array([]), "disclosures is not a JSON object"),
            (
                "a path without a commitment", .object(["data.kind": name]),
                #"disclosure "data.kind": the event holds no commitment there ({"commitment": 64 lowercase hex})"#
            ),
            (
                "no such path", .object(["data.name.first": name]),
                #"disclosure "data.name.first": the event holds no commitment there ({"commitment": 64 lowercase hex})"#
            ),
            (
                "a salt that is not hex",
                .object(["data.name": .object(["salt": .string("zz"), "value": .string("x")])]),
                #"disclosure "data.name" is not {"salt": 64 lowercase hex, "value": a string}"#
            ),
            (
                "a member too many",
                .object([
                    "data.name": .object([
                        "salt": .string(String(repeating: "0", count: 64)), "value": .string("x"), "more": .null,
                    ])
                ]),
                #"disclosure "data.name" is not {"salt": 64 lowercase hex, "value": a string}"#
            ),
        ]
        for (what, replacement, reason) in cases {
            event["disclosures"] = replacement
            var tampered = lines
            tampered[index] = String(decoding: CanonicalJSON.encode(.object(event)), as: UTF8.self)
            let (json, _) = try Self.verify(tampered, in: sandbox, what)
            #expect(json["ok"] == .bool(false), "\(what)")
            #expect(json["reason"] == .string(reason), "\(what)")
        }
        // Written in another key order (the general path, not the canonical fast path), a
        // disclosed line still verifies, and a bad one fails the same way.
        let spaced = try #require(try JSONParser.parse(lines[index]).objectValue)
        var reordered = lines
        reordered[index] =
            "{ "
            + spaced.members.reversed().map {
                ExportTextFixture.quoted($0.key) + ": "
                    + String(decoding: CanonicalJSON.encode($0.value), as: UTF8.self)
            }
            .joined(separator: ", ") + " }"
        let (json, _) = try Self.verify(reordered, in: sandbox, "reordered")
        #expect(json["ok"] == .bool(true) && json["disclosures"] == .integer(2))
    }
}

/// JSON string quoting for the tests (canonical: what export writes).
enum ExportTextFixture {
    static func quoted(_ text: String) -> String {
        String(decoding: CanonicalJSON.encode(.string(text)), as: UTF8.self)
    }
}
