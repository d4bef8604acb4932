import Foundation
import Testing

/// `tools/forgeries.sh`, the closing note's demonstration (issue 10): a line export forged
/// five ways (changed, dropped, reordered, appended, the whole log rewritten after a
/// checkpoint was kept) is refused by both verifiers, and the true export and store pass.
@Suite("The five forgeries of a line export")
struct ForgeryScriptTests {
    @Test func everyForgeryIsRefusedByBothVerifiersAndTheTruthPasses() throws {
        let sandbox = try Sandbox()
        let script = SubledgerBinary.repository.appendingPathComponent("tools/forgeries.sh").path
        let result = try sandbox.run("/bin/bash", [script, SubledgerBinary.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(!result.stdout.contains("NOT CAUGHT"))
        // Two verifiers × (five forgeries of the line export: an event changed with only its
        // own hash redone, and with every later one redone; dropped; reordered; appended)
        // and two for the rewritten log (the store's and the export's): twelve refusals.
        #expect(result.stdout.components(separatedBy: "(refused)").count - 1 == 12, "\(result.stdout)")
        #expect(result.stdout.contains("proof: ok: position"), "the true line export is proven")
    }
}
