import Foundation
@_spi(Testing) import SubledgerStore
import Testing

/// Issue 10 from the command line: `verify FILE` holds each stream to its own chain
/// (item 2), `import` takes an export's lines as they are, and a store of format 1 is
/// refused by every command with the way to migrate it (item 5).
@Suite("The chain per stream from the command line (issue 10)")
struct StreamChainCommandTests {
    func lineExport(_ sandbox: Sandbox) throws -> [String] {
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        // A second line, so that the first one's export has gaps in positions.
        let other = [
            #"{"type":"LineActivated","line":"+989350000001","occurredAt":"2025-02-05T07:00:00Z","data":{"subscriberId":"S-100","service":"mobile","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#,
            #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-02-05T08:00:00Z","data":{"amount":1000,"description":"calls"}}"#,
            #"{"type":"UsageRecorded","line":"+989350000001","occurredAt":"2025-02-05T09:00:00Z","data":{"amount":2000,"description":"calls"}}"#,
            #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-02-05T10:00:00Z","data":{"amount":3000,"description":"calls"}}"#,
        ]
        #expect(
            try sandbox.subledger("import", try sandbox.file("more.jsonl", other.joined(separator: "\n") + "\n")).status
                == 0)
        let export = try sandbox.subledger("export", "--line", WorkedExample.line)
        #expect(export.status == 0, "\(export)")
        return export.stdout.split(separator: "\n").map(String.init)
    }

    /// The event of `line`, changed by `change`, with its hash computed again over its
    /// new content and `previousHash` (the forger's recomputation).
    func rehashed(_ line: String, previousHash: String? = nil, _ change: (inout JSONObject) -> Void = { _ in }) throws
        -> String
    {
        guard case .object(var object) = try JSONParser.parse(line) else {
            throw SandboxError("not an object: \(line)")
        }
        change(&object)
        if let previousHash { object["prevHash"] = .string(previousHash) }
        var event = try EventJSON.recordedEvent(from: object)
        event.hash = EventJSON.computeHash(of: event)
        var bytes: [UInt8] = []
        EventJSON.write(event, includeHashes: true, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func field(_ key: String, of line: String) throws -> JSONValue? { try JSONParser.parse(line)[key] }

    /// The forger changes one event, recomputes its hash and relinks the global chain
    /// wherever the export holds the next position: only the line's own chain shows it,
    /// at the line's next event, naming the position it fails to link to.
    @Test func aChangedEventOfALineExportIsCaughtByTheLinesChain() throws {
        let sandbox = try Sandbox()
        var lines = try lineExport(sandbox)
        #expect(lines.count == 11)
        let ok = try sandbox.subledger(
            "verify", "--filtered", try sandbox.file("line.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(ok.status == 0, "\(ok)")
        // Index 3: the usage of 245,000 (position 6); positions 7 and on follow without a gap up to 11.
        lines[3] = try rehashed(lines[3]) {
            $0["data"] = .object(["amount": .integer(1), "description": .string("forged")])
        }
        for index in 4..<lines.count {
            let previous = try field("position", of: lines[index - 1])
            guard case .integer(let before)? = previous,
                try field("position", of: lines[index]) == .integer(before + 1),
                case .string(let previousHash)? = try field("hash", of: lines[index - 1])
            else { break }
            lines[index] = try rehashed(lines[index], previousHash: previousHash)
        }
        let result = try sandbox.subledger(
            "verify", "--filtered", try sandbox.file("forged.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(result.status == 1)
        #expect(
            result.stdout
                == "bad: position 7 (file line 5): line \(WorkedExample.line): streamPrevHash does not match the hash of position 6 (streamVersion 4)\n",
            "\(result)")
    }

    /// An event dropped from a line's export: the line's versions skip, and the chain per
    /// stream has no gap, even where positions may (`--filtered`).
    @Test func aDroppedEventOfALineExportIsCaught() throws {
        let sandbox = try Sandbox()
        var lines = try lineExport(sandbox)
        lines.remove(at: 9)  // version 10, position 13; version 11 is at position 15
        let result = try sandbox.subledger(
            "verify", "--filtered", try sandbox.file("dropped.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(result.status == 1)
        #expect(
            result.stdout
                == "bad: position 15 (file line 10): line \(WorkedExample.line) skips from streamVersion 9 (position 11) to 11: version 10 is missing (a stream's chain has no gap; a time range that leaves out an event recorded late: --allow-version-gaps)\n",
            "\(result)")
    }

    /// Two events of the line reordered, the forger renumbering nothing but rehashing both
    /// where they now lie (each keeps its slot's position, version and links): the second
    /// slot's event no longer links to the first.
    @Test func aReorderedPairOfALineExportIsCaughtByTheLinesChain() throws {
        let sandbox = try Sandbox()
        var lines = try lineExport(sandbox)
        let (first, second) = (lines[3], lines[4])  // positions 6 and 7, versions 4 and 5
        func content(of line: String) throws -> (JSONValue?, JSONValue?, JSONValue?, JSONValue?) {
            (
                try field("type", of: line), try field("data", of: line), try field("occurredAt", of: line),
                try field("eventId", of: line)
            )
        }
        let (type1, data1, time1, id1) = try content(of: first)
        let (type2, data2, time2, id2) = try content(of: second)
        lines[3] = try rehashed(first) {
            $0["type"] = type2; $0["data"] = data2; $0["occurredAt"] = time2; $0["eventId"] = id2
        }
        guard case .string(let relinked)? = try field("hash", of: lines[3]) else { throw SandboxError("no hash") }
        lines[4] = try rehashed(second, previousHash: relinked) {
            $0["type"] = type1; $0["data"] = data1; $0["occurredAt"] = time1; $0["eventId"] = id1
        }
        let result = try sandbox.subledger(
            "verify", "--filtered", try sandbox.file("reordered.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(result.status == 1)
        #expect(
            result.stdout
                == "bad: position 7 (file line 5): line \(WorkedExample.line): streamPrevHash does not match the hash of position 6 (streamVersion 4)\n",
            "\(result)")
    }

    /// interchange.md, "Personal data", last sentence: an export imported into an empty
    /// store, with its recordedAts, reproduces the same bytes and the same head hash.
    @Test func anExportImportedIntoAnEmptyStoreReproducesItsHashes() throws {
        let sandbox = try Sandbox()
        _ = try lineExport(sandbox)
        let export = try sandbox.subledger("export")
        #expect(export.status == 0)
        let copy = sandbox.folder + "/copy"
        let imported = try sandbox.subledger("import", "--db", copy, try sandbox.file("export.jsonl", export.stdout))
        #expect(imported.status == 0, "\(imported)")
        #expect(try sandbox.subledger("export", "--db", copy).stdout == export.stdout)
        let original = try sandbox.subledger("verify", "--json").json()
        let copied = try sandbox.subledger("verify", "--db", copy, "--json").json()
        #expect(copied["headHash"] == original["headHash"] && copied["ok"] == .bool(true))
        // Again into the copy: every line is a retry whose fields agree; nothing is added.
        let again = try sandbox.subledger("import", "--db", copy, sandbox.folder + "/export.jsonl")
        #expect(again.status == 0, "\(again)")
        #expect(try sandbox.subledger("verify", "--db", copy, "--json").json()["headHash"] == original["headHash"])
    }

    /// A store-assigned field that is not what the store assigns: bad input naming the
    /// field, both values and the line; nothing is written.
    @Test func anExportLineWithAWrongAssignedFieldIsRefusedNamingIt() throws {
        let sandbox = try Sandbox()
        _ = try lineExport(sandbox)
        var lines = try sandbox.subledger("export").stdout.split(separator: "\n").map(String.init)
        let copy = sandbox.folder + "/copy"
        let wrong = String(repeating: "e", count: 64)
        guard case .string(let right)? = try field("streamPrevHash", of: lines[4]) else {
            throw SandboxError("no streamPrevHash")
        }
        lines[4] = lines[4].replacing(#""streamPrevHash":"\#(right)""#, with: #""streamPrevHash":"\#(wrong)""#)
        let refused = try sandbox.subledger(
            "import", "--db", copy, "--json", try sandbox.file("bad.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(refused.status != 0)
        let error = try JSONParser.parse(refused.stderr)["error"]
        #expect(error?["field"] == .string("streamPrevHash"), "\(refused.stderr)")
        guard case .string(let message)? = error?["message"] else {
            throw SandboxError("no message: \(refused.stderr)")
        }
        #expect(message.contains("bad.jsonl:5: "), "\(message)")
        #expect(
            message.contains("field streamPrevHash: given \(wrong), the store assigns \(right); nothing was written"),
            "\(message)")
        if FileManager.default.fileExists(atPath: copy + "/data.mdb") {
            #expect(
                try sandbox.subledger("verify", "--db", copy, "--json").json()["verified"] == .integer(0),
                "nothing was written")
        }
        // apply takes none of them.
        let applied = try sandbox.subledger("apply", "--db", copy, sandbox.folder + "/bad.jsonl")
        #expect(applied.status != 0)
        #expect(applied.stderr.contains("is not an input field of apply: the store assigns it"), "\(applied.stderr)")
    }

    /// Issue 10, item 5: every command refuses a store of format 1, naming the migration.
    @Test func everyCommandRefusesAStoreOfFormat1NamingMigrate() throws {
        let sandbox = try Sandbox()
        do {
            let store = try EventStore.creatingFormat1ForTesting(at: sandbox.store)
            try store.append([
                ProposedEvent(
                    type: "UsageRecorded", stream: StreamID(category: "line", id: WorkedExample.line),
                    occurredAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
                    data: ["amount": .integer(1), "description": .string("x")])
            ])
        }
        let input = try sandbox.file("in.jsonl", WorkedExample.lines[0] + "\n")
        let commands: [[String]] = [
            ["verify"], ["status", WorkedExample.line], ["replay", WorkedExample.line], ["audit"],
            ["settle", WorkedExample.line],
            ["due"], ["export"], ["lines", "--subscriber", "S-100"], ["rebuild"], ["import", input], ["apply", input],
        ]
        let expected =
            "is a store of format 1 (hashes without streamPrevHash, personal data in clear); this subledger writes format 2: run `subledger migrate \(sandbox.store) NEW` to carry its events into a new store"
        for arguments in commands {
            let result = try sandbox.run(SubledgerBinary.path, arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(sandbox.store + " " + expected), "\(arguments): \(result.stderr)")
        }
    }
}
