import Foundation
import SubledgerStore
import Testing

/// The issue's grep test (issue 10, item 1; RET-1): a name, a national id and their salts
/// are in no file of the store nor the key file in clear, before or after `erase`; after
/// it, the old master key is in no file either and `export --disclose` shows nothing,
/// while every hash, `verify` and `audit` are as they were.
@Suite("RET-1: erase, greped")
struct PersonalDataEraseTests {
    static let name = "Golnar Greptestname"
    static let nationalID = "5566778899"
    static let registration =
        #"{"type":"SubscriberRegistered","subscriber":"S-777","occurredAt":"2025-03-01T09:00:00Z","data":{"subscriberId":"S-777","kind":"individual","governmental":false,"name":"\#(name)","nationalId":"\#(nationalID)"}}"#

    /// Every file of the store's folder and the key file, as bytes.
    static func files(_ sandbox: Sandbox) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: sandbox.store) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: sandbox.store + "/" + name))
        }
        files["store.keys"] = try Data(contentsOf: URL(fileURLWithPath: sandbox.folder + "/store.keys"))
        return files
    }

    static func absent(_ needles: [String: Data], in files: [String: Data], _ when: String) {
        for (file, bytes) in files {
            for (what, needle) in needles {
                #expect(bytes.range(of: needle) == nil, "\(when): \(what) found in \(file)")
            }
        }
    }

    static func lines(_ text: String) throws -> [JSONObject] {
        try text.split(separator: "\n").map { line in try #require(try JSONParser.parse(String(line)).objectValue) }
    }

    @Test func RET1_nameNationalIDAndSaltsAreInNoFileAndEraseLeavesHashesVerifyAndAuditAsTheyWere() throws {
        let sandbox = try Sandbox()
        let input = try sandbox.file(
            "facts.jsonl", (WorkedExample.lines + [Self.registration]).joined(separator: "\n") + "\n")
        #expect(try sandbox.subledger("import", input).status == 0)
        let disclosed = try Self.lines(try sandbox.subledger("export", "--disclose").stdout)
        let event = try #require(disclosed.first { $0["subscriber"] == .string("S-777") })
        let disclosures = try #require(event["disclosures"]?.objectValue)
        #expect(disclosures["data.name"]?.objectValue?["value"] == .string(Self.name))
        #expect(disclosures["data.nationalId"]?.objectValue?["value"] == .string(Self.nationalID))
        var needles: [String: Data] = ["the name": Data(Self.name.utf8), "the national id": Data(Self.nationalID.utf8)]
        for member in disclosures {
            let salt = try #require(member.value.objectValue?["salt"]?.stringValue)
            needles["the salt of \(member.key) as hex"] = Data(salt.utf8)
            needles["the salt of \(member.key) raw"] = Data(try #require(ChainHash(hex: salt)).bytes)
        }
        Self.absent(needles, in: try Self.files(sandbox), "before erase")
        let exportBefore = try sandbox.subledger("export").stdout
        let auditBefore = try sandbox.subledger("audit", "--json").stdout
        let keyFile = try #require(
            try JSONParser.parse(String(decoding: try Self.files(sandbox)["store.keys"]!, as: UTF8.self)).objectValue)
        let oldMaster = try #require(keyFile["masterKey"]?.stringValue)

        let erased = try sandbox.subledger("erase", "S-777", "--json")
        #expect(erased.status == 0, "\(erased)")
        needles["the old master key in base64"] = Data(oldMaster.utf8)
        needles["the old master key raw"] = Data(try #require(Base64.decode(oldMaster)))
        Self.absent(needles, in: try Self.files(sandbox), "after erase")
        let after = try Self.lines(try sandbox.subledger("export", "--disclose").stdout)
        #expect(after.allSatisfy { $0["disclosures"] == nil || $0["subscriber"] != .string("S-777") })
        #expect(
            after.first { $0["subscriber"] == .string("S-777") && $0["type"] == .string("PersonalDataErased") } != nil)
        // Every event before the erasure is exported byte for byte as before; verify and audit agree.
        #expect(try sandbox.subledger("export").stdout.hasPrefix(exportBefore))
        #expect(try sandbox.subledger("verify").status == 0)
        #expect(try sandbox.subledger("audit", "--json").stdout == auditBefore)
        let again = try sandbox.subledger("erase", "S-777")
        #expect(again.status != 0 && again.stderr.contains("erased already"), "\(again)")
    }
}
