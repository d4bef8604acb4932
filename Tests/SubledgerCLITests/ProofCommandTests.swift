import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// `checkpoint`, `prove`, `export --proof`, `verify --proof` and `verify --checkpoint`
/// (issue 10, item 3; interchange.md, "Checkpoints and proofs").
@Suite("Checkpoints and proofs on the command line")
struct ProofCommandTests {
    /// A sandbox with the worked example imported and one checkpoint kept in `kept.json`.
    static func checkpointed() throws -> (Sandbox, JSONObject) {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let result = try sandbox.subledger("checkpoint", "--json")
        #expect(result.status == 0, "\(result)")
        try sandbox.file("kept.json", result.stdout)
        return (sandbox, try result.json().objectValue ?? [:])
    }

    static func isLowercaseHex(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.utf8.count == 64
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    @Test func checkpointAndProveJSONHaveTheShapesOfInterchangeMD() throws {
        let (sandbox, checkpoint) = try Self.checkpointed()
        #expect(checkpoint.map(\.key) == ["note", "origin", "publicKey", "rootHash", "signature", "size"])
        #expect(checkpoint["size"] == .integer(11))
        #expect(Self.isLowercaseHex(checkpoint["rootHash"]))
        #expect(checkpoint["origin"]?.stringValue?.hasPrefix("subledger/") == true)
        #expect(Base64.decode(checkpoint["signature"]?.stringValue ?? "")?.count == 64)
        #expect(Base64.decode(checkpoint["publicKey"]?.stringValue ?? "")?.count == 32)
        // The key file was made beside the store, mode 0600.
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.store + ".keys")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // The same size again: the first checkpoint, as it was.
        #expect(try sandbox.subledger("checkpoint", "--json").json() == .object(checkpoint))

        let inclusion = try sandbox.subledger("prove", "3", "--json").json().objectValue ?? [:]
        #expect(inclusion.map(\.key) == ["leafIndex", "path", "rootHash", "treeSize"])
        #expect(inclusion["leafIndex"] == .integer(2) && inclusion["treeSize"] == .integer(11))
        #expect(inclusion["rootHash"] == checkpoint["rootHash"])
        guard case .array(let path)? = inclusion["path"] else { Issue.record("no path"); return }
        #expect(path.count == 4 && path.allSatisfy { Self.isLowercaseHex($0) })
        #expect(
            try sandbox.subledger("prove", "3", "--size", "5", "--json").json().objectValue?["treeSize"] == .integer(5))

        let consistency = try sandbox.subledger("prove", "--consistency", "2", "11", "--json").json().objectValue ?? [:]
        #expect(consistency.map(\.key) == ["fromSize", "path", "toSize"])
        #expect(consistency["fromSize"] == .integer(2) && consistency["toSize"] == .integer(11))

        for arguments in [
            ["prove", "12"], ["prove", "0"], ["prove", "--consistency", "5", "3"],
            ["prove", "--consistency", "1", "12"],
        ] {
            let refused = try sandbox.run(SubledgerBinary.path, arguments + ["--json"])
            #expect(refused.status != 0, "\(arguments)")
            #expect((try? JSONParser.parse(refused.stderr).objectValue?["error"]) != nil, "\(arguments): \(refused)")
        }
        #expect(try sandbox.subledger("prove").status != 0)
    }

    @Test func exportProofThenVerifyProofIsGreenForTheWholeLogAndOneLine() throws {
        let (sandbox, checkpoint) = try Self.checkpointed()
        let key = checkpoint["publicKey"]?.stringValue ?? ""
        for (name, selection) in [("whole", [String]()), ("line", ["--line", WorkedExample.line])] {
            let export = sandbox.folder + "/\(name).jsonl"
            let proof = sandbox.folder + "/\(name).proof.json"
            let exported = try sandbox.run(
                SubledgerBinary.path, ["export", "--output", export, "--proof", proof] + selection)
            #expect(exported.status == 0, "\(exported)")
            let document = try JSONParser.parse(String(contentsOfFile: proof, encoding: .utf8)).objectValue ?? [:]
            #expect(document.map(\.key) == ["checkpoint", "inclusion"])
            #expect(document["checkpoint"] == .object(checkpoint))
            #expect(document["inclusion"]?.objectValue?["leafIndex"] == .integer(10))
            let filtered = name == "line" ? ["--filtered"] : []
            let verified = try sandbox.run(
                SubledgerBinary.path, ["verify", export, "--proof", proof, "--public-key", key] + filtered)
            #expect(verified.status == 0, "\(verified)")
            #expect(verified.stdout.contains("proof: ok: position 11"), "\(verified)")
        }
        // Another operator's key pinned: refused, naming the key.
        let other = Base64.encode([UInt8](repeating: 7, count: 32))
        let pinned = try sandbox.run(
            SubledgerBinary.path,
            [
                "verify", sandbox.folder + "/whole.jsonl", "--proof", sandbox.folder + "/whole.proof.json",
                "--public-key", other,
            ])
        #expect(pinned.status == 1 && pinned.stdout.contains("checkpoint.publicKey"), "\(pinned)")
    }

    @Test func exportProofWithoutACoveringCheckpointIsRefusedAndWritesNothing() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let export = sandbox.folder + "/e.jsonl", proof = sandbox.folder + "/p.json"
        // import made the key file (it records personal data); export only reads it.
        let keysBefore = FileManager.default.contents(atPath: sandbox.store + ".keys")
        #expect(keysBefore != nil)
        let none = try sandbox.subledger("export", "--output", export, "--proof", proof)
        #expect(none.status != 0 && none.stderr.contains("run subledger checkpoint first"), "\(none)")
        #expect(!FileManager.default.fileExists(atPath: export) && !FileManager.default.fileExists(atPath: proof))
        #expect(FileManager.default.contents(atPath: sandbox.store + ".keys") == keysBefore, "export only reads")
        #expect(try sandbox.subledger("checkpoint").status == 0)
        // An event recorded after the checkpoint: the last exported one is not covered.
        let more = WorkedExample.lines[9].replacing("P-31", with: "P-32").replacing("08:15:00Z", with: "08:30:00Z")
        #expect(try sandbox.subledger("import", try sandbox.file("more.jsonl", more + "\n")).status == 0)
        let uncovered = try sandbox.subledger("export", "--output", export, "--proof", proof)
        #expect(uncovered.status != 0 && uncovered.stderr.contains("run subledger checkpoint first"), "\(uncovered)")
        #expect(!FileManager.default.fileExists(atPath: export) && !FileManager.default.fileExists(atPath: proof))
    }

    @Test("a flipped byte anywhere in the proof file is named bad (issue 10 item 6)")
    func aFlippedByteInTheProofFileIsBad() throws {
        let (sandbox, _) = try Self.checkpointed()
        let export = sandbox.folder + "/e.jsonl", proof = sandbox.folder + "/p.json"
        #expect(try sandbox.subledger("export", "--output", export, "--proof", proof).status == 0)
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: proof)))
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_TAMPER_SEED")
        var random = SeededRandom(seed: seed)
        let tamperedPath = sandbox.folder + "/tampered.json"
        for trial in 1...40 {
            var tampered = original
            let offset = Int(random.next() % UInt64(original.count - 1))  // not the final newline
            let mask = UInt8(1 + random.next() % 255)
            tampered[offset] ^= mask
            try Data(tampered).write(to: URL(fileURLWithPath: tamperedPath))
            let result = try sandbox.run(SubledgerBinary.path, ["verify", export, "--proof", tamperedPath, "--json"])
            let context = "seed \(seed), trial \(trial): byte \(offset) ^ \(mask)"
            #expect(result.status == 1, "\(context): \(result)")
            let reason = (try? result.json())?.objectValue?["reason"]?.stringValue
            #expect(reason?.contains("proof") == true, "\(context): \(result.stdout)")
        }
    }

    /// The last event of an export changed and its hash recomputed: the file's chain still
    /// links (nothing follows it), so only the proof can tell.
    @Test func aChangedLastEventWithARecomputedHashFailsItsProof() throws {
        let (sandbox, _) = try Self.checkpointed()
        let export = sandbox.folder + "/e.jsonl", proof = sandbox.folder + "/p.json"
        #expect(try sandbox.subledger("export", "--output", export, "--proof", proof).status == 0)
        var lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
        guard var last = try JSONParser.parse(lines.removeLast()).objectValue, var data = last["data"]?.objectValue,
            let previous = last["prevHash"]?.stringValue.flatMap(ChainHash.init(hex:))
        else {
            Issue.record("the export's last line does not read")
            return
        }
        data["reconnectionFee"] = .integer(1)
        last["data"] = .object(data)
        last["hash"] = nil
        last["prevHash"] = nil
        let hash = ChainHash.sha256(of: previous.bytes + CanonicalJSON.encode(.object(last)))
        last["hash"] = .string(hash.hex)
        last["prevHash"] = .string(previous.hex)
        lines.append(String(decoding: CanonicalJSON.encode(.object(last)), as: UTF8.self))
        let forged = try sandbox.file("forged.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try sandbox.subledger("verify", forged).status == 0, "the chain alone does not see it")
        let result = try sandbox.subledger("verify", forged, "--proof", proof)
        #expect(result.status == 1 && result.stdout.contains("inclusion"), "\(result)")
        // A flipped byte of the last event without a new hash: the chain check names it first.
        let flipped = try sandbox.file(
            "flipped.jsonl",
            try String(contentsOfFile: export, encoding: .utf8).replacing(
                "\"reconnectionFee\":0", with: "\"reconnectionFee\":5"))
        let chain = try sandbox.subledger("verify", flipped, "--proof", proof)
        #expect(chain.status == 1 && chain.stdout.contains("position 11"), "\(chain)")
    }

    @Test func verifyCheckpointAcceptsAKeptCheckpointOfTheGrowingLog() throws {
        let (sandbox, _) = try Self.checkpointed()
        let more = WorkedExample.lines[9].replacing("P-31", with: "P-32").replacing("08:15:00Z", with: "08:30:00Z")
        #expect(try sandbox.subledger("import", try sandbox.file("more.jsonl", more + "\n")).status == 0)
        let result = try sandbox.subledger("verify", "--checkpoint", sandbox.folder + "/kept.json", "--json")
        #expect(result.status == 0, "\(result)")
        let report = try result.json().objectValue ?? [:]
        #expect(
            report["ok"] == .bool(true) && report["checkpointSize"] == .integer(11)
                && report["headPosition"] == .integer(12))
        // A flipped byte in the kept checkpoint is bad; an unreadable file is exit 2.
        var kept = Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.folder + "/kept.json")))
        kept[kept.count / 2] ^= 0x02
        try Data(kept).write(to: URL(fileURLWithPath: sandbox.folder + "/flipped.json"))
        let flipped = try sandbox.subledger("verify", "--checkpoint", sandbox.folder + "/flipped.json")
        #expect(flipped.status == 1 && flipped.stdout.hasPrefix("bad: the kept checkpoint"), "\(flipped)")
        #expect(try sandbox.subledger("verify", "--checkpoint", sandbox.folder + "/missing.json").status == 2)
    }

    /// The whole log rebuilt with one fact changed and every original recordedAt: its own
    /// chain and tree verify, but a checkpoint kept from the original does not fit it.
    @Test("verify --checkpoint catches a whole chain rewritten after the checkpoint was kept (issue 10 item 3)")
    func verifyCheckpointCatchesARewrittenLog() throws {
        let (sandbox, _) = try Self.checkpointed()
        let exported = try sandbox.subledger("export").stdout.split(separator: "\n").map {
            try JSONParser.parse(String($0)).objectValue ?? [:]
        }
        var facts: [String] = []
        for (index, event) in exported.enumerated() {
            var fact: JSONObject = [:]
            for key in ["type", "line", "subscriber", "occurredAt", "data", "metadata", "eventId", "recordedAt"] {
                if let value = event[key] { fact[key] = value }
            }
            if index == 9, var data = fact["data"]?.objectValue {
                data["amount"] = .integer(315_001)
                fact["data"] = .object(data)
            }
            facts.append(String(decoding: CanonicalJSON.encode(.object(fact)), as: UTF8.self))
        }
        let forgedStore = sandbox.folder + "/forged"
        let imported = try sandbox.run(
            SubledgerBinary.path,
            ["import", "--db", forgedStore, try sandbox.file("forged.jsonl", facts.joined(separator: "\n") + "\n")])
        #expect(imported.status == 0, "\(imported)")
        let forgedExport = try sandbox.run(SubledgerBinary.path, ["export", "--db", forgedStore]).stdout
        let recordedAts = { (text: String) in
            text.split(separator: "\n").map { try? JSONParser.parse(String($0)).objectValue?["recordedAt"] }
        }
        #expect(recordedAts(forgedExport) == exported.map { $0["recordedAt"] }, "the forger kept every recordedAt")
        #expect(
            try sandbox.run(SubledgerBinary.path, ["verify", "--db", forgedStore]).status == 0,
            "the forged store verifies on its own")
        let result = try sandbox.run(
            SubledgerBinary.path, ["verify", "--db", forgedStore, "--checkpoint", sandbox.folder + "/kept.json"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("has the root") && result.stdout.contains("rewritten"), "\(result)")
    }

    @Test func anImportOfMoreThan10000EventsEndsWithACheckpoint() throws {
        let sandbox = try Sandbox()
        var lines = Array(WorkedExample.lines[0..<3])
        let count = FactLimitsForTests.checkpointAfter + 1 - lines.count
        for index in 0..<count {
            lines.append(
                #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-02-02T18:00:00Z","data":{"amount":1,"description":"u\#(index)"}}"#
            )
        }
        let result = try sandbox.subledger(
            "import", "--json", try sandbox.file("big.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(result.status == 0, "\(result)")
        let checkpoint = try result.json().objectValue?["checkpoint"]?.objectValue
        #expect(checkpoint?["size"] == .integer(Int64(FactLimitsForTests.checkpointAfter + 1)))
        #expect(
            try sandbox.subledger(
                "verify", "--checkpoint",
                try sandbox.file(
                    "kept.json", String(decoding: CanonicalJSON.encode(.object(checkpoint ?? [:])), as: UTF8.self))
            ).status == 0)
        // A small import ends with none.
        let small = try sandbox.subledger(
            "import", "--json", try sandbox.file("one.jsonl", lines[3].replacing("u0", with: "small") + "\n"))
        let smallReport = try small.json().objectValue
        #expect(small.status == 0 && smallReport?["checkpoint"] == nil, "\(small)")
    }
}

/// The threshold of issue 10 (item 3): an import or apply of more than 10,000 events ends with a checkpoint
/// (FactLimits.eventsRecordedWithoutCheckpointMaximum).
enum FactLimitsForTests {
    static let checkpointAfter = 10_000
}
