import Foundation
import SubledgerStore
import Testing

/// `subledger policy adopt FILE` / `subledger policy list` (POL-3, issue 11 item 11): an
/// edition file recorded as a `PolicyEditionAdopted` fact in the policy stream, listed
/// with the built-in editions, carried by export, verify (both verifiers) and import.
@Suite("policy adopt and list; PolicyEditionAdopted through export, verify, import")
struct PolicyCommandTests {
    static let regionsFile = SubledgerBinary.repository.appendingPathComponent(
        "docs/editions/2023-fixed-line-regions.json"
    ).path
    static let tehranLine = "+982188001122"
    static let tehranLines = [
        #"{"type":"SubscriberRegistered","subscriber":"S-T","occurredAt":"2022-12-01T08:00:00Z","data":{"subscriberId":"S-T","kind":"individual","governmental":false,"name":"Tara","nationalId":"0012345678"}}"#,
        #"{"type":"LineActivated","line":"+982188001122","occurredAt":"2023-01-01T08:00:00Z","data":{"subscriberId":"S-T","service":"fixed","plan":"noDeposit","connectionFee":0,"vanityPremium":0,"region":"tehran"}}"#,
    ]

    @Test func POL3_givenTheRegionsEditionWhenAdoptedThenListedAndATehranLineHasItsThresholdFromTheEffectiveDate()
        throws
    {
        let sandbox = try Sandbox()
        let input = try sandbox.file("facts.jsonl", Self.tehranLines.joined(separator: "\n") + "\n")
        #expect(try sandbox.subledger("import", input).status == 0)
        let adopted = try sandbox.subledger(
            "policy", "adopt", Self.regionsFile, "--at", "2024-01-01T00:00:00Z", "--json")
        #expect(adopted.status == 0, "\(adopted)")
        #expect(try adopted.json().objectValue?["edition"] == .string("2023-fixed-line-regions"))
        #expect(try adopted.json().objectValue?["position"] == .integer(3))
        let list = try sandbox.subledger("policy", "list", "--json")
        #expect(list.status == 0, "\(list)")
        guard case .array(let editions) = try list.json() else { Issue.record("not an array: \(list)"); return }
        #expect(
            editions.compactMap { $0.objectValue?["id"] } == [
                .string("older"), .string("2021"), .string("2023-fixed-line-regions"),
            ])
        let regions = editions.last?.objectValue
        #expect(regions?["effectiveDate"] == .string("2023-03-20T20:30:00.000Z"))
        #expect(regions?["adoptedAt"] == .string("2024-01-01T00:00:00.000Z"))
        #expect(regions?["basedOn"] == .string("2021"))
        #expect(regions?["builtIn"] == .bool(false))
        #expect(editions.first?.objectValue?["builtIn"] == .bool(true))
        let text = try sandbox.subledger("policy", "list")
        #expect(text.stdout.contains("2023-fixed-line-regions") && text.stdout.contains("built in"), "\(text)")
        // One second before 1402-01-01 00:00 Tehran: edition 2021's 200,000; at it: 600,000.
        let before = try sandbox.subledger("status", Self.tehranLine, "--as-of", "2023-03-20T20:29:59Z", "--json")
        #expect(try before.json().objectValue?["threshold"] == .integer(200_000), "\(before)")
        let from = try sandbox.subledger("status", Self.tehranLine, "--as-of", "2023-03-20T20:30:00Z", "--json")
        #expect(try from.json().objectValue?["threshold"] == .integer(600_000), "\(from)")
    }

    @Test func POL3_givenAnUnknownParameterThenAdoptRefusesNamingTheFileLineAndFieldAndRecordsNothing() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.file(
            "edition.json",
            """
            {
              "id": "typo",
              "effectiveDate": "2025-03-21",
              "noDepositFixedThreshold": 500000
            }
            """)
        let refused = try sandbox.subledger("policy", "adopt", file, "--json")
        #expect(refused.status != 0)
        let error = try JSONParser.parse(refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue?[
            "error"]?.objectValue
        #expect(error?["file"] == .string(file), "\(refused)")
        #expect(error?["line"] == .integer(4), "\(refused)")
        #expect(error?["field"] == .string("noDepositFixedThreshold"), "\(refused)")
        let text = try sandbox.subledger("policy", "adopt", file)
        #expect(text.status != 0)
        #expect(text.stderr.contains("edition.json:4: field noDepositFixedThreshold: unknown field"), "\(text)")
        #expect(try sandbox.storeHead() == nil || sandbox.subledger("export").stdout.isEmpty)
    }

    @Test func POL3_givenAnAdoptedEditionWhenAdoptedAgainThenRefusedNamingTheId() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("policy", "adopt", Self.regionsFile).status == 0)
        let again = try sandbox.subledger("policy", "adopt", Self.regionsFile)
        #expect(again.status != 0)
        #expect(again.stderr.contains("2023-fixed-line-regions") && again.stderr.contains(":2:"), "\(again)")
        #expect(try sandbox.subledger("export").stdout.split(separator: "\n").count == 1)
    }

    @Test func POL3_givenAnAdoptionThenExportVerifyAndImportCarryItAndBothVerifiersAccept() throws {
        let sandbox = try Sandbox()
        let input = try sandbox.file("facts.jsonl", Self.tehranLines.joined(separator: "\n") + "\n")
        #expect(try sandbox.subledger("import", input).status == 0)
        #expect(try sandbox.subledger("policy", "adopt", Self.regionsFile, "--at", "2024-01-01T00:00:00Z").status == 0)
        let export = try sandbox.subledger("export").stdout
        #expect(
            export.contains(#""policy":"debtor-subscribers""#) && export.contains(#""type":"PolicyEditionAdopted""#),
            "\(export)")
        let exported = try sandbox.file("export.jsonl", export)
        let verified = try sandbox.subledger("verify", exported)
        #expect(verified.status == 0, "\(verified)")
        if let python = Python.path {
            let theirs = try sandbox.run(python, [Python.verifier, exported])
            #expect(theirs.status == 0, "\(theirs)")
        }
        // The export imported into a new store: the same edition known there.
        let copy = try Sandbox()
        let imported = try copy.subledger("import", try copy.file("export.jsonl", export))
        #expect(imported.status == 0, "\(imported)")
        #expect(try copy.subledger("export").stdout == export)
        let status = try copy.subledger("status", Self.tehranLine, "--as-of", "2023-03-20T20:30:00Z", "--json")
        #expect(try status.json().objectValue?["threshold"] == .integer(600_000), "\(status)")
        let replay = try copy.subledger("replay", Self.tehranLine)
        #expect(replay.status == 0 && replay.stdout.contains("region tehran"), "\(replay)")
        // Into a store that exists (the streaming validator, checked then appended): an edition
        // based on the one adopted before, and a bad one refused naming data.edition and the line.
        let next =
            #"{"type":"PolicyEditionAdopted","policy":"debtor-subscribers","occurredAt":"2024-02-01T00:00:00Z","data":{"edition":{"id":"2025-tehran","effectiveDate":"2025-03-21","basedOn":"2023-fixed-line-regions","noDepositFixedThresholdRials":{"tehran":700000,"default":700000}}}}"#
        let bad = next.replacingOccurrences(of: "2025-tehran", with: "2026").replacingOccurrences(
            of: #""effectiveDate":"2025-03-21""#, with: #""effectiveDate":"2026-03-21","cutLevel":90"#)
        let refused = try copy.subledger("import", try copy.file("bad.jsonl", next + "\n" + bad + "\n"))
        #expect(
            refused.status != 0 && refused.stderr.contains("bad.jsonl:2:")
                && refused.stderr.contains("data.edition.cutLevel"), "\(refused)")
        let accepted = try copy.subledger("import", try copy.file("next.jsonl", next + "\n"))
        #expect(accepted.status == 0, "\(accepted)")
        let later = try copy.subledger("status", Self.tehranLine, "--as-of", "2025-03-20T20:30:00Z", "--json")
        #expect(try later.json().objectValue?["threshold"] == .integer(700_000), "\(later)")
    }
}
