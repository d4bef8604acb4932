import Foundation
import Testing

/// Issue 15 items 1 and 4: `--db postgres://...` selects the PostgreSQL backend for a command,
/// and the same facts file, with its event ids and `recordedAt`, imported into LMDB and into
/// PostgreSQL exports byte for byte the same (JSON Lines and CSV) with the same head hash.
///
/// Personal values are given as commitments: a clear value is salted under the subject's key,
/// which is random in each store, so its commitment differs between any two stores.
@Suite("PostgreSQL and LMDB: the same answers (subledger --db postgres://...)")
struct PostgresDifferentialTests {
    /// The test server's URL (`tools/test.sh` starts one); the test fails without it.
    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SUBLEDGER_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw SandboxError("SUBLEDGER_TEST_POSTGRES_URL is not set: run the suite with `bash tools/test.sh`")
        }
        return url
    }

    /// The worked example, then `usage` more usage records and a payment, each line with a
    /// fixed event id and a `recordedAt` one second after the one before.
    static func facts(usage: Int) -> String {
        let commitments =
            #""name":{"commitment":"\#(String(repeating: "ab", count: 32))"},"#
            + #""nationalId":{"commitment":"\#(String(repeating: "cd", count: 32))"}"#
        var lines = WorkedExample.lines.map {
            $0.replacing(#""name":"Reza Karimi","nationalId":"0076543210""#, with: commitments)
        }
        for index in 0..<usage {
            lines.append(
                #"{"type":"UsageRecorded","line":"\#(WorkedExample.line)","occurredAt":"2025-02-05T10:00:00Z","#
                    + #""data":{"amount":\#(100 + index),"description":"data"}}"#)
        }
        return lines.enumerated().map { index, line in
            let id = String(format: "00000000-0000-4000-8000-%012d", index + 1)
            let recordedAt = Date(timeIntervalSince1970: 1_740_787_200 + Double(index))
            let stamp = recordedAt.formatted(.iso8601)
            return String(line.dropLast()) + #","eventId":"\#(id)","recordedAt":"\#(stamp)"}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test func theSameFileImportedIntoLMDBAndPostgreSQLExportsTheSameBytes() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.file("facts.jsonl", Self.facts(usage: 300))
        let postgres = try Self.serverURL() + "?schema=t_diff_" + UUID().uuidString.lowercased().filter { $0 != "-" }
        let keys = ["--key-file", sandbox.folder + "/postgres.keys"]
        let lmdbImport = try sandbox.subledger("import", file)
        #expect(lmdbImport.status == 0, "\(lmdbImport)")
        let postgresImport = try sandbox.run(SubledgerBinary.path, ["import", file, "--db", postgres] + keys)
        #expect(postgresImport.status == 0, "\(postgresImport)")
        #expect(postgresImport.stdout == lmdbImport.stdout)
        for format in ["jsonl", "csv"] {
            let fromLMDB = try sandbox.subledger("export", "--format", format)
            let fromPostgres = try sandbox.run(SubledgerBinary.path, ["export", "--format", format, "--db", postgres])
            #expect(fromLMDB.status == 0 && fromPostgres.status == 0, "\(fromLMDB)\n\(fromPostgres)")
            #expect(fromLMDB.stdout.split(whereSeparator: \.isNewline).count >= 311)
            #expect(fromPostgres.stdout == fromLMDB.stdout, "\(format) exports differ")
        }
        let lmdbHead = try sandbox.subledger("verify", "--json").stdout
        let postgresHead = try sandbox.run(SubledgerBinary.path, ["verify", "--json", "--db", postgres]).stdout
        #expect(lmdbHead.contains(#""headPosition":311"#), "\(lmdbHead)")
        #expect(postgresHead == lmdbHead)
        let lmdbStatus = try sandbox.subledger("status", WorkedExample.line)
        let postgresStatus = try sandbox.run(SubledgerBinary.path, ["status", WorkedExample.line, "--db", postgres])
        #expect(lmdbStatus.status == 0 && postgresStatus.stdout == lmdbStatus.stdout, "\(postgresStatus)")
    }

    @Test func aPostgreSQLURLWithoutAStoreIsRefusedByAReadingCommandNamingIt() throws {
        let sandbox = try Sandbox()
        let url = try Self.serverURL() + "?schema=t_none_" + UUID().uuidString.lowercased().filter { $0 != "-" }
        let result = try sandbox.run(SubledgerBinary.path, ["export", "--db", url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("holds no subledger store"), "\(result)")
        let badURL = try sandbox.run(SubledgerBinary.path, ["export", "--db", "postgres://nobody@127.0.0.1/"])
        #expect(badURL.status != 0 && badURL.stderr.contains("names no database"), "\(badURL)")
    }
}
