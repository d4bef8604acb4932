import Foundation
import Testing
import SubledgerStore

@Suite("export")
struct ExportCommandTests {
    /// A store with the worked example and a subscriber whose name needs CSV quoting.
    func sandboxWithHistory() throws -> Sandbox {
        let sandbox = try Sandbox()
        let quoted =
            #"{"type":"SubscriberRegistered","subscriber":"S-300","occurredAt":"2025-03-01T09:00:00Z","data":{"subscriberId":"S-300","kind":"individual","governmental":false,"name":"Karimi, \"Reza\"\nTehran","nationalId":"0012345678"}}"#
        let imported = try sandbox.subledger(
            "import", try sandbox.file("history.jsonl", WorkedExample.text + quoted + "\n"))
        #expect(imported.status == 0, "\(imported)")
        return sandbox
    }

    @Test func jsonLinesAreTheCanonicalExportLines() throws {
        let sandbox = try sandboxWithHistory()
        let export = try sandbox.subledger("export")
        #expect(export.status == 0)
        #expect(export.stderr.isEmpty)
        let lines = export.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 13 && lines.last == "", "12 lines, each ending with a newline")
        for line in lines.dropLast() {
            let canonical = CanonicalJSON.encode(try JSONParser.parse(String(line)))
            #expect(String(decoding: canonical, as: UTF8.self) == String(line))
        }
    }

    @Test func aLineExportIsCheckedCompleteAndFiltersOnOccurredAt() throws {
        let sandbox = try sandboxWithHistory()
        let whole = try sandbox.subledger("export", "--line", WorkedExample.line)
        #expect(whole.status == 0)
        #expect(whole.stderr == "complete: line \(WorkedExample.line), stream versions 1..9\n")
        let events = try whole.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(events.map { $0["streamVersion"] } == (1...9).map { .integer(Int64($0)) })

        let day = try sandbox.subledger(
            "export", "--line", WorkedExample.line, "--from", "2025-02-03T00:00:00Z", "--to", "2025-02-04T00:00:00Z")
        #expect(day.status == 0)
        #expect(day.stderr.isEmpty, "a time range is not a complete stream")
        let occurred = try day.stdout.split(separator: "\n").map { try JSONParser.parse(String($0))["occurredAt"] }
        #expect(
            occurred == [
                .string("2025-02-03T09:00:00.000Z"), .string("2025-02-03T19:00:00.000Z"),
                .string("2025-02-03T19:00:00.000Z"),
            ])

        let subscriber = try sandbox.subledger("export", "--subscriber", "S-100")
        #expect(subscriber.stderr == "complete: subscriber S-100, stream versions 1..2\n")

        let unknown = try sandbox.subledger("export", "--line", "+989120000009")
        #expect(unknown.status != 0)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("+989120000009"))
        #expect(try sandbox.subledger("export", "--help").stdout.contains("occurredAt"))
    }

    @Test("given lines out of time order in the log, when the whole log is exported in a time range, then exactly the lines that occurred in it are written, in position order")
    func aWholeLogExportInATimeRangeSkipsTheLinesBetween() throws {
        let sandbox = try Sandbox()
        // A subscriber registered in March, recorded between the example's February facts:
        // a range over February leaves a line out in the middle of the log.
        let march =
            #"{"type":"SubscriberRegistered","subscriber":"S-300","occurredAt":"2025-03-01T09:00:00Z","data":{"subscriberId":"S-300","kind":"individual","governmental":false,"name":"Karimi","nationalId":"0012345678"}}"#
        var lines = WorkedExample.lines
        lines.insert(march, at: 4)
        let imported = try sandbox.subledger("import", try sandbox.file("history.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(imported.status == 0, "\(imported)")
        let whole = try sandbox.subledger("export").stdout.split(separator: "\n").map(String.init)
        #expect(whole.count == 12)
        for (from, to) in [("2025-02-02T00:00:00Z", "2025-02-28T00:00:00Z"), ("2025-01-04T06:35:00Z", "2025-02-03T12:00:00Z")] {
            let (start, end) = (try Timestamp(rfc3339: from), try Timestamp(rfc3339: to))
            let expected = try whole.filter { line in
                let occurred = try Timestamp(rfc3339: try #require(JSONParser.parse(line)["occurredAt"]?.stringValue))
                return start <= occurred && occurred < end
            }
            let ranged = try sandbox.subledger("export", "--from", from, "--to", to)
            #expect(ranged.status == 0, "\(ranged)")
            #expect(ranged.stdout.split(separator: "\n").map(String.init) == expected, "\(from) ..< \(to)")
            #expect(expected.count >= 5 && expected.count < whole.count - 1, "the range leaves lines out, one of them between lines it takes")
        }
    }

    @Test func csvHasAHeaderAndQuotesAsRFC4180Says() throws {
        let sandbox = try sandboxWithHistory()
        let export = try sandbox.subledger("export", "--format", "csv")
        #expect(export.status == 0)
        let records = CSV.records(of: export.stdout)
        #expect(
            records.first == [
                "position", "streamVersion", "recordedAt", "eventId", "type", "streamCategory", "streamId",
                "occurredAt", "prevHash", "streamPrevHash", "hash", "metadata", "data",
                "amount", "total", "price", "value", "fee", "connectionFee", "vanityPremium", "reconnectionFee",
            ])
        #expect(records.count == 13)
        #expect(records.allSatisfy { $0.count == 21 })
        #expect(
            export.stdout.hasPrefix(
                "position,streamVersion,recordedAt,eventId,type,streamCategory,streamId,occurredAt,prevHash,streamPrevHash,hash,metadata,data,amount,total,price,value,fee,connectionFee,vanityPremium,reconnectionFee\r\n"
            ))
        let last = try #require(records.last)
        #expect(last[0] == "12" && last[5] == "subscriber" && last[6] == "S-300")
        let data = try JSONParser.parse(last[12])
        // The name is a commitment in the log (RET-1); the JSON's quotes are doubled all the same.
        #expect(Disclosure.commitment(ofMember: try #require(data["name"])) != nil)
        #expect(export.stdout.contains(#"""name"":{""commitment"":"""#), "quotes doubled inside a quoted field")
        let jsonLines = try sandbox.subledger("export").stdout.split(separator: "\n")
        let hashes = try jsonLines.map { try JSONParser.parse(String($0))["hash"] }
        #expect(records.dropFirst().map { JSONValue.string($0[10]) } == hashes)
        let streamHashes = try jsonLines.map { try JSONParser.parse(String($0))["streamPrevHash"] }
        #expect(records.dropFirst().map { JSONValue.string($0[9]) } == streamHashes)
    }

    /// Issue 9 item 17: every whole-rial field of data in a column of its own, so that a
    /// spreadsheet sums them; empty where the event has no such field.
    @Test func csvPutsEachAmountInAColumnOfItsOwn() throws {
        let sandbox = try sandboxWithHistory()
        let records = CSV.records(of: try sandbox.subledger("export", "--format", "csv").stdout)
        let header = try #require(records.first)
        func column(_ name: String) throws -> [String] {
            let index = try #require(header.firstIndex(of: name), "no column \(name)")
            return records.dropFirst().map { $0[index] }
        }
        #expect(try column("amount") == ["", "", "", "245000", "", "", "70000", "", "", "315000", "", ""])
        #expect(try column("fee") == ["", "", "", "", "0", "", "", "0", "", "", "", ""])
        #expect(try column("connectionFee") == ["", "", "0", "", "", "", "", "", "", "", "", ""])
        #expect(try column("vanityPremium") == ["", "", "0", "", "", "", "", "", "", "", "", ""])
        #expect(try column("reconnectionFee") == ["", "", "", "", "", "", "", "", "", "", "0", ""])
        for name in ["total", "price", "value"] { #expect(try column(name).allSatisfy(\.isEmpty), "\(name)") }
        // Each amount cell is data's own field.
        for record in records.dropFirst() {
            let data = try JSONParser.parse(record[12])
            for (offset, name) in header.enumerated().dropFirst(13) {
                #expect(
                    record[offset] == (data[name]?.integerValue.map(String.init) ?? ""),
                    "\(name) of position \(record[0])")
            }
        }
    }

    @Test func outputGoesToTheNamedFile() throws {
        let sandbox = try sandboxWithHistory()
        let path = sandbox.folder + "/export.jsonl"
        let export = try sandbox.subledger("export", "--output", path)
        #expect(export.status == 0)
        #expect(export.stdout.isEmpty)
        let written = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
        #expect(written == (try sandbox.subledger("export").stdout))
    }
}

/// A reader of RFC 4180 CSV for the tests: quoted fields, doubled quotes, CRLF records.
enum CSV {
    static func records(of text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\r", characters.first == "\n" {
                characters.removeFirst()
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(character)
            }
        }
        return records
    }
}
