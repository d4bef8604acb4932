import Foundation
import SubledgerStore
import Testing

/// The store `subledger copy` tests copy (issue 15 item 4): the worked example with its
/// subscriber's name and national id in clear (a subject key and disclosures), a second
/// subscriber registered and then erased (RET-1), a few hundred usage records, and a signed
/// checkpoint; and the answers a copy must give as its source does.
enum CopyFixture {
    static let erasedRegistration =
        #"{"type":"SubscriberRegistered","subscriber":"S-777","occurredAt":"2025-03-01T09:00:00Z","data":{"subscriberId":"S-777","kind":"individual","governmental":false,"name":"Golnar Copytestname","nationalId":"5566778899"}}"#

    /// The worked example, the registration to erase, then `usage` usage records.
    static func facts(usage: Int) -> String {
        var lines = WorkedExample.lines + [erasedRegistration]
        for index in 0..<usage {
            lines.append(
                #"{"type":"UsageRecorded","line":"\#(WorkedExample.line)","occurredAt":"2025-02-05T10:00:00Z","#
                    + #""data":{"amount":\#(100 + index),"description":"data"}}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `subledger ARGUMENTS --db DB --key-file KEYS`, which must succeed.
    @discardableResult
    static func run(_ sandbox: Sandbox, _ arguments: [String], db: String, keys: String) throws -> CommandResult {
        let result = try sandbox.run(SubledgerBinary.path, arguments + ["--db", db, "--key-file", keys])
        #expect(result.status == 0, "subledger \(arguments.joined(separator: " ")) --db \(db): \(result)")
        return result
    }

    /// Makes the source store at `db`: import, erase S-777, a checkpoint.
    static func makeSource(_ sandbox: Sandbox, db: String, keys: String, usage: Int = 300) throws {
        let file = try sandbox.file("facts-\(UUID().uuidString).jsonl", facts(usage: usage))
        try run(sandbox, ["import", file], db: db, keys: keys)
        try run(sandbox, ["erase", "S-777"], db: db, keys: keys)
        try run(sandbox, ["checkpoint"], db: db, keys: keys)
    }

    /// What the store answers: its export (JSON Lines, CSV, and with personal data
    /// disclosed), `verify --json` and the worked example's line's status.
    static func answers(_ sandbox: Sandbox, db: String, keys: String) throws -> [String] {
        [
            try run(sandbox, ["export"], db: db, keys: keys).stdout,
            try run(sandbox, ["export", "--format", "csv"], db: db, keys: keys).stdout,
            try run(sandbox, ["export", "--disclose"], db: db, keys: keys).stdout,
            try run(sandbox, ["verify", "--json"], db: db, keys: keys).stdout,
            try run(sandbox, ["status", WorkedExample.line], db: db, keys: keys).stdout,
        ]
    }

    /// Copies `from` into `to` and checks that the copy answers as the source does, that the
    /// source is unchanged, and what the copy reports.
    static func copyAndCompare(
        _ sandbox: Sandbox, from: String, fromKeys: String, to: String, toKeys: String, usage: Int = 300
    ) throws {
        try makeSource(sandbox, db: from, keys: fromKeys, usage: usage)
        let before = try answers(sandbox, db: from, keys: fromKeys)
        let copied = try sandbox.run(
            SubledgerBinary.path, ["copy", "--from", from, "--key-file", fromKeys, "--to", to, "--to-key-file", toKeys, "--json"])
        #expect(copied.status == 0, "\(copied)")
        let report = try copied.json()
        let events = Int64(WorkedExample.lines.count + 2 + usage)
        #expect(report["copied"] == .integer(events), "\(copied)")
        #expect(report["headPosition"] == .integer(events))
        #expect(report["subjectKeys"] == .integer(1), "S-100's key; S-777's was erased")
        #expect(report["disclosures"] == .integer(1), "S-100's registration; S-777's were erased")
        #expect(report["checkpoints"] == .integer(1))
        #expect(report["removedStaleStaging"] == .null)
        let verified = try JSONParser.parse(before[3])
        #expect(report["headHash"] == verified["headHash"] && report["headHash"] != nil, "\(before[3])")
        let after = try answers(sandbox, db: to, keys: toKeys)
        for (index, what) in ["export", "export --format csv", "export --disclose", "verify --json", "status"]
            .enumerated()
        {
            #expect(after[index] == before[index], "\(what) of the copy differs from the source's")
        }
        #expect(after[2].contains("Reza Karimi") && !after[2].contains("Copytestname"), "disclosed as in the source")
        #expect(try answers(sandbox, db: from, keys: fromKeys) == before, "the source is unchanged")
        // The copy is the same ledger: its key file holds the source's keys, and the
        // checkpoint the source signed is the copy's latest.
        #expect(try Data(contentsOf: URL(fileURLWithPath: toKeys)) == Data(contentsOf: URL(fileURLWithPath: fromKeys)))
        let attributes = try FileManager.default.attributesOfItem(atPath: toKeys)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let checkpoint = try run(sandbox, ["checkpoint", "--json"], db: to, keys: toKeys).json()
        #expect(checkpoint["size"] == .integer(events))
        #expect(checkpoint["rootHash"] == report["merkleRoot"] && report["merkleRoot"] != nil, "\(checkpoint)")
    }
}
