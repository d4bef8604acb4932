import Foundation
@_spi(Testing) import SubledgerStore
import Testing

/// `subledger migrate OLD NEW` (issue 10, item 5): a store of format 1 carried into a new
/// store of format 2, all or nothing, its personal data turned into commitments (RET-1).
@Suite("migrate OLD NEW (issue 10, item 5)")
struct MigrateCommandTests {
    static let name = "Mahsa Migratetestname"
    static let nationalID = "4433221100"
    static let registration =
        #"{"type":"SubscriberRegistered","subscriber":"S-808","occurredAt":"2025-03-01T09:00:00Z","data":{"subscriberId":"S-808","kind":"individual","governmental":false,"name":"\#(name)","nationalId":"\#(nationalID)"}}"#
    static var facts: [String] { WorkedExample.lines + [registration] }

    /// The event a fact's input line describes, as subledger before issue 10 recorded it:
    /// the personal data in clear, the id given so that a test can follow it.
    static func proposedEvent(_ line: String) throws -> ProposedEvent {
        let object = try #require(try JSONParser.parse(line).objectValue)
        guard case .string(let type)? = object["type"], case .string(let time)? = object["occurredAt"],
            case .object(let data)? = object["data"]
        else { throw SandboxError("not a fact: \(line)") }
        let stream: StreamID
        if case .string(let number)? = object["line"] {
            stream = StreamID(category: "line", id: number)
        } else if case .string(let id)? = object["subscriber"] {
            stream = StreamID(category: "subscriber", id: id)
        } else {
            throw SandboxError("no stream: \(line)")
        }
        return ProposedEvent(type: type, stream: stream, occurredAt: try Timestamp(rfc3339: time), data: data)
    }

    /// A store of format 1 at `path` holding `events`; returns them as recorded.
    @discardableResult
    static func format1Store(at path: String, _ events: [ProposedEvent]) throws -> [RecordedEvent] {
        let store = try EventStore.creatingFormat1ForTesting(at: path)
        try store.append(events)
        return try store.events(from: 1, limit: Int.max)
    }

    static func files(in folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }

    @Test func item5_aStoreOfFormat1MigratesWholeNEWVerifiesAndItsFirstCheckpointNamesTheOldHead() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old", new = sandbox.folder + "/new"
        let recorded = try Self.format1Store(at: old, try Self.facts.map(Self.proposedEvent))
        let oldFiles = try Self.files(in: old)
        let result = try sandbox.subledger("migrate", old, new, "--json")
        #expect(result.status == 0, "\(result)")
        let report = try result.json()
        let oldHead = try #require(recorded.last).hash.hex
        #expect(report["migrated"] == .integer(Int64(recorded.count)))
        #expect(report["sealedRegistrations"] == .integer(2))
        #expect(report["oldHeadHash"] == .string(oldHead))
        #expect(report["keyFile"] == .string(new + ".keys"))
        guard case .string(let note)? = report["checkpoint"]?["note"] else { throw SandboxError("no note: \(result)") }
        #expect(note.hasSuffix("\nmigrated-from \(oldHead)\nmigrated-events \(recorded.count)\n"), "\(note)")
        #expect(report["checkpoint"]?["size"] == .integer(Int64(recorded.count)))

        let verified = try sandbox.subledger("verify", "--db", new, "--json").json()
        #expect(verified["ok"] == .bool(true), "\(verified)")
        #expect(verified["verified"] == .integer(Int64(recorded.count)))
        #expect(verified["headHash"] == report["newHeadHash"])
        #expect(report["newHeadHash"] != .string(oldHead), "format 2 hashes the stream's link too")
        // The checkpoint is the store's and verifies as any other.
        let latest = try sandbox.subledger("checkpoint", "--db", new, "--json").json()
        #expect(latest["note"] == .string(note), "the first checkpoint is the store's latest")

        // Every event as it was: id, type, stream, times, position, stream version, data
        // (the personal members now commitments).
        let exported = try sandbox.subledger("export", "--db", new).stdout.split(separator: "\n").map {
            try #require(try JSONParser.parse(String($0)).objectValue)
        }
        #expect(exported.count == recorded.count)
        for (event, line) in zip(recorded, exported) {
            #expect(line["eventId"] == .string(event.eventID.description))
            #expect(line["type"] == .string(event.type))
            #expect(line["position"] == .integer(Int64(event.position)))
            #expect(line["streamVersion"] == .integer(Int64(event.streamVersion)))
            guard case .string(let occurredAt)? = line["occurredAt"], case .string(let recordedAt)? = line["recordedAt"]
            else {
                throw SandboxError("no times: \(line)")
            }
            #expect(try Timestamp(rfc3339: occurredAt) == event.occurredAt, "\(line)")
            #expect(try Timestamp(rfc3339: recordedAt) == event.recordedAt, "\(line)")
            guard case .object(let data)? = line["data"] else { throw SandboxError("no data: \(line)") }
            if event.type == "SubscriberRegistered" {
                for field in ["name", "nationalId"] {
                    #expect(data[field]?["commitment"] != nil, "\(field) of \(event.stream) is a commitment: \(line)")
                }
                #expect(
                    data.filter { !["name", "nationalId"].contains($0.key) }
                        == event.data.filter { !["name", "nationalId"].contains($0.key) })
            } else {
                #expect(data == event.data, "\(line)")
            }
        }
        // LMDB's lock file is its readers' table, which any reader writes; the data is untouched.
        let oldAfter = try Self.files(in: old)
        #expect(Set(oldAfter.keys) == Set(oldFiles.keys), "OLD gains no file")
        #expect(oldAfter["data.mdb"] == oldFiles["data.mdb"], "OLD is only read")
        // The disclosures sealed under NEW's key file open to the old clear values.
        let disclosed = try sandbox.subledger("export", "--db", new, "--disclose").stdout
        #expect(disclosed.contains(Self.name) && disclosed.contains(Self.nationalID))
    }

    /// RET-1: after the migration, neither the name nor the national id is in clear in any
    /// file of NEW or in its key file (they were in OLD's).
    @Test func RET1_noNameOrNationalIDInClearInAnyFileOfNEWOrItsKeyFile() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old", new = sandbox.folder + "/new"
        try Self.format1Store(at: old, try Self.facts.map(Self.proposedEvent))
        let needles = [Self.name, Self.nationalID, "Reza Karimi", "0076543210"].map { Data($0.utf8) }
        let oldBytes = try Self.files(in: old).values.reduce(Data(), +)
        #expect(needles.allSatisfy { oldBytes.range(of: $0) != nil }, "the test's needles are in OLD's file in clear")
        let result = try sandbox.subledger("migrate", old, new)
        #expect(result.status == 0, "\(result)")
        var files = try Self.files(in: new)
        files["new.keys"] = try Data(contentsOf: URL(fileURLWithPath: new + ".keys"))
        for (file, bytes) in files {
            for needle in needles {
                #expect(
                    bytes.range(of: needle) == nil, "\(String(decoding: needle, as: UTF8.self)) in clear in \(file)")
            }
        }
        for needle in [Self.name, Self.nationalID] {
            #expect(!result.stdout.contains(needle) && !result.stderr.contains(needle))
        }
    }

    /// status and audit of the migrated store answer as a store made by importing the same
    /// facts (OLD itself cannot be asked: every command refuses a store of format 1).
    @Test func item5_statusAndAuditOfNEWAreThoseOfTheSameFactsImported() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old", new = sandbox.folder + "/new"
        try Self.format1Store(at: old, try Self.facts.map(Self.proposedEvent))
        #expect(try sandbox.subledger("migrate", old, new).status == 0)
        #expect(
            try sandbox.subledger("import", try sandbox.file("facts.jsonl", Self.facts.joined(separator: "\n") + "\n"))
                .status == 0)
        for arguments in [
            ["status", WorkedExample.line], ["audit", "--line", WorkedExample.line], ["audit"],
            ["lines", "--subscriber", "S-100"],
        ] {
            let imported = try sandbox.run(SubledgerBinary.path, arguments + ["--json"])
            let migrated = try sandbox.run(SubledgerBinary.path, arguments + ["--json", "--db", new])
            #expect(imported.status == 0 && migrated.status == 0, "\(arguments): \(imported) \(migrated)")
            #expect(migrated.stdout == imported.stdout, "\(arguments)")
        }
    }

    /// A NEW that holds a store, or a folder with anything in it, or an existing key file, is
    /// refused before anything is written: all stay byte for byte as they were.
    @Test func item5_aNEWThatIsNotNewIsRefusedAndLeftUnchanged() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old"
        try Self.format1Store(at: old, try Self.facts.map(Self.proposedEvent))
        #expect(try sandbox.subledger("import", try sandbox.file("facts.jsonl", WorkedExample.text)).status == 0)
        let before = try Self.files(in: sandbox.store)
        let keysBefore = try Data(contentsOf: URL(fileURLWithPath: sandbox.store + ".keys"))
        let refused = try sandbox.subledger("migrate", old, sandbox.store)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(sandbox.store) already holds a store"), "\(refused)")
        #expect(try Self.files(in: sandbox.store) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.store + ".keys")) == keysBefore)

        let cluttered = sandbox.folder + "/cluttered"
        try FileManager.default.createDirectory(atPath: cluttered, withIntermediateDirectories: false)
        try sandbox.file("cluttered/notes.txt", "mine\n")
        let notEmpty = try sandbox.subledger("migrate", old, cluttered)
        #expect(notEmpty.status != 0)
        #expect(notEmpty.stderr.contains("is a folder that is not empty"), "\(notEmpty)")
        #expect(try Self.files(in: cluttered) == ["notes.txt": Data("mine\n".utf8)])

        let keys = try sandbox.file("taken.keys", "not mine to overwrite\n")
        let keyTaken = try sandbox.subledger("migrate", old, sandbox.folder + "/fresh", "--key-file", keys, "--json")
        #expect(keyTaken.status != 0)
        #expect(try JSONParser.parse(keyTaken.stderr)["error"]?["field"] == .string("key-file"), "\(keyTaken)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/fresh"))
        #expect(try String(contentsOfFile: keys, encoding: .utf8) == "not mine to overwrite\n")
    }

    /// A bad event in OLD (one that is no fact of the ledger) stops the migration: there is
    /// no NEW store and no key file after it, and an empty folder given as NEW is left empty.
    @Test func item5_aBadEventInOLDLeavesNoNEWStoreAndNoKeyFile() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old"
        var events = try Self.facts.map(Self.proposedEvent)
        events.insert(
            ProposedEvent(
                type: "UsageRecorded", stream: StreamID(category: "line", id: WorkedExample.line),
                occurredAt: events[6].occurredAt,
                data: ["description": .string("no amount")]), at: 7)
        try Self.format1Store(at: old, events)
        let new = sandbox.folder + "/new"
        let result = try sandbox.subledger("migrate", old, new, "--json")
        #expect(result.status != 0)
        let error = try JSONParser.parse(result.stderr)["error"]
        guard case .string(let message)? = error?["message"] else { throw SandboxError("no message: \(result)") }
        #expect(message.contains("\(old): the event at position 8 is not a fact of the ledger"), "\(message)")
        #expect(error?["field"] == .string("data.amount"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: new))
        #expect(!FileManager.default.fileExists(atPath: new + ".keys"))

        let empty = sandbox.folder + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        #expect(try sandbox.subledger("migrate", old, empty).status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: empty + ".keys"))
    }

    /// A bad event in OLD's second chunk, after the first chunk was appended in the session
    /// (its personal data sealed): the session commits nothing and NEW is removed.
    @Test func item5_aBadEventAfterTheFirstChunkWasAppendedLeavesNoNEWStore() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old", new = sandbox.folder + "/new"
        var events = try WorkedExample.lines.prefix(3).map(Self.proposedEvent)
        let start = events[2].occurredAt.millisecondsSinceEpoch
        for index in 0..<4200 {
            let data: JSONObject = ["amount": .integer(Int64(index + 1)), "description": .string("usage \(index)")]
            events.append(
                ProposedEvent(
                    type: "UsageRecorded", stream: StreamID(category: "line", id: WorkedExample.line),
                    occurredAt: Timestamp(millisecondsSinceEpoch: start + Int64(index) * 1000), data: data))
        }
        events[4150].data = ["amount": .integer(-5), "description": .string("negative")]
        try Self.format1Store(at: old, events)
        let result = try sandbox.subledger("migrate", old, new)
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(old): the event at position 4151 is not a fact of the ledger"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: new))
        #expect(!FileManager.default.fileExists(atPath: new + ".keys"))
    }

    /// A store of format 2 is not migrated again; a folder without a store is named.
    @Test func item5_aStoreOfFormat2OrNoStoreIsRefused() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("facts.jsonl", WorkedExample.text)).status == 0)
        let again = try sandbox.subledger("migrate", sandbox.store, sandbox.folder + "/new")
        #expect(again.status != 0)
        #expect(again.stderr.contains("\(sandbox.store) is already format 2"), "\(again)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/new"))
        let none = try sandbox.subledger("migrate", sandbox.folder + "/nowhere", sandbox.folder + "/new")
        #expect(none.status != 0)
        #expect(none.stderr.contains("no store at \(sandbox.folder)/nowhere"), "\(none)")
    }

    /// migrate reads and writes folders (issue 15 item 1): a PostgreSQL URL for NEW (or OLD) is
    /// refused naming the way there, migrate then copy, and nothing is made, not even a folder
    /// named after the URL.
    @Test func item5_aPostgreSQLURLForNEWIsRefusedNamingCopy() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old"
        _ = try Self.format1Store(at: old, [try Self.proposedEvent(WorkedExample.lines[0])])
        let before = try FileManager.default.contentsOfDirectory(atPath: sandbox.folder).sorted()
        let refused = try sandbox.run(
            SubledgerBinary.path, ["migrate", "old", "postgres://ledger@127.0.0.1:1/ledger?schema=migrated"],
            inSandboxFolder: true)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("NEW postgres://ledger@127.0.0.1:1/ledger?schema=migrated is a PostgreSQL URL"))
        #expect(refused.stderr.contains("subledger copy --from NEW --to URL"), "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.folder).sorted() == before)
    }

    /// A log longer than one chunk of the migration's reads is carried whole, every stream's
    /// versions as they were, across the chunks' seam.
    @Test func item5_aLogLongerThanOneChunkIsCarriedWhole() throws {
        let sandbox = try Sandbox()
        let old = sandbox.folder + "/old", new = sandbox.folder + "/new"
        let start = try Self.proposedEvent(WorkedExample.lines[3]).occurredAt.millisecondsSinceEpoch
        var events = try WorkedExample.lines.prefix(3).map(Self.proposedEvent)
        events.append(
            try Self.proposedEvent(WorkedExample.lines[2].replacing(WorkedExample.line, with: "+989121234567")))
        // Two lines' usage, interleaved, so that both streams cross the seam.
        let usage = 4096 + 300
        for index in 0..<usage {
            let line = index % 3 == 0 ? "+989121234567" : WorkedExample.line
            let data: JSONObject = ["amount": .integer(Int64(index + 1)), "description": .string("usage \(index)")]
            let occurredAt = Timestamp(millisecondsSinceEpoch: start + Int64(index) * 1000)
            events.append(
                ProposedEvent(
                    type: "UsageRecorded", stream: StreamID(category: "line", id: line), occurredAt: occurredAt,
                    data: data))
        }
        let recorded = try Self.format1Store(at: old, events)
        let result = try sandbox.subledger("migrate", old, new, "--json")
        #expect(result.status == 0, "\(result)")
        #expect(try result.json()["migrated"] == .integer(Int64(events.count)))
        let verified = try sandbox.subledger("verify", "--db", new, "--json").json()
        #expect(verified["ok"] == .bool(true) && verified["verified"] == .integer(Int64(events.count)), "\(verified)")
        let new2 = try EventStore.open(at: new, options: .init(readOnly: true))
        let carried = try new2.events(from: 1, limit: Int.max)
        // Compared as booleans: a failure would print 4,400 events twice.
        let sameIDs = carried.map(\.eventID) == recorded.map(\.eventID)
        let sameVersions = carried.map(\.streamVersion) == recorded.map(\.streamVersion)
        #expect(sameIDs && sameVersions)
        // The registration's data holds commitments now; every other event's is as it was.
        let sameData = carried.dropFirst().map(\.data) == recorded.dropFirst().map(\.data)
        #expect(sameData)
        #expect(try #require(carried.first).data != recorded.first?.data)
    }
}
