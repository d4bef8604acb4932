import Foundation
import Testing

/// Every line reader is bounded: an export to verify whose line goes on past 64 MiB is
/// refused with its file line (exit 2, as an unreadable file), not read into memory whole.
@Suite("The bound on a line")
struct LineBoundTests {
    @Test func verifyRefusesALineBeyondTheBound() throws {
        let sandbox = try Sandbox()
        let path = sandbox.folder + "/endless.jsonl"
        var bytes = Array(#"{"position":1,"data":""#.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "z"), count: (64 << 20) + 1)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try sandbox.run(SubledgerBinary.path, ["verify", path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("endless.jsonl:1: the line is longer than 67108864 bytes"), "\(result.stderr)")
    }
}
