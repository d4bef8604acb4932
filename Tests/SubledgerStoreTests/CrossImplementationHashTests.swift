import Foundation
import Testing
import SubledgerStore

/// The Swift hash chain against exports written by the independent Python writer of
/// tools/tests: the same bytes, the same hashes.
@Suite("Hash chain across implementations")
struct CrossImplementationHashTests {
    static let samplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/tests/samples/threshold-cut.export.jsonl").path

    @Test func everyHashOfThePythonSampleMatches() throws {
        let text = try String(contentsOfFile: Self.samplePath, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 11)
        var previous = ChainHash.zero
        for line in lines {
            guard case .object(let object) = try JSONParser.parse(String(line)) else {
                Issue.record("not an object")
                return
            }
            let event = try EventJSON.recordedEvent(from: object)
            #expect(event.previousHash == previous)
            #expect(EventJSON.computeHash(of: event) == event.hash, "position \(event.position)")
            var exported: [UInt8] = []
            EventJSON.write(event, includeHashes: true, into: &exported)
            #expect(CanonicalJSON.encode(.object(object)) == exported)
            previous = event.hash
        }
    }
}
