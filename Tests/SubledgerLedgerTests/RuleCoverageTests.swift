import Foundation
import Testing

/// Issue 12 item 7: every rule of rules.md is cited by a test (in a `@Test` or `@Suite` name,
/// or a test function's name such as `THR1_…`), or named below as a rule the ledger does not
/// judge, with the reason. The rule ids are read from the tests' copy of the spec
/// (Tests/Fixtures/spec/rules.md), which must equal `../shared/spec/rules.md` wherever that
/// is beside the repository, so that a revised spec with a new rule fails here until it is
/// tested.
@Suite("Rule coverage: every rule id of rules.md is cited by a test")
struct RuleCoverageTests {
    /// Rules the ledger does not judge, each with why.
    static let notJudged: [String: String] = [
        "GEN-6": "the contract is not in the ledger (rules.md GEN-6: not judged)"
    ]

    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let specCopy = testsFolder.appendingPathComponent("Fixtures/spec/rules.md")
    static let specBeside = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/spec/rules.md")

    /// The ids a rules text defines: each `**ID` in bold, such as `**THR-1**` or `**NTC-1 (edition 2021)**`.
    static func ruleIDs(in text: String) -> Set<String> {
        let pattern = /\*\*([A-Z]+-[0-9]+)/
        return Set(text.matches(of: pattern).map { String($0.output.1) })
    }

    /// Every line of the test sources that names a test or a suite.
    static func testNamingLines() throws -> [String] {
        var lines: [String] = []
        let files = FileManager.default.enumerator(at: testsFolder, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", file.lastPathComponent != "RuleCoverageTests.swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init).filter {
                $0.contains("@Test") || $0.contains("@Suite") || $0.contains("func ")
            }
        }
        return lines
    }

    static func cites(_ line: String, _ id: String) -> Bool {
        let compact = id.replacingOccurrences(of: "-", with: "")
        if line.contains("\(compact)_") { return true }
        var rest = Substring(line)
        while let range = rest.range(of: id) {
            let after = rest[range.upperBound...].first
            if after.map({ !$0.isNumber }) ?? true { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    // Reported as skipped, not passed, where the spec is not beside the repository (a clone
    // in CI): there is nothing to compare the copy with.
    @Test(
        "the tests' copy of rules.md is the spec's, where the spec is beside the repository",
        .enabled(if: FileManager.default.fileExists(atPath: RuleCoverageTests.specBeside.path)))
    func theCopyIsTheSpec() throws {
        let spec = try String(contentsOf: Self.specBeside, encoding: .utf8)
        let copy = try String(contentsOf: Self.specCopy, encoding: .utf8)
        #expect(
            spec == copy, "Tests/Fixtures/spec/rules.md differs from \(Self.specBeside.path): copy the revised spec")
    }

    @Test("every rule id is cited by a test or named as not judged, and no rule is both")
    func everyRuleIsCitedByATest() throws {
        let ids = Self.ruleIDs(in: try String(contentsOf: Self.specCopy, encoding: .utf8))
        #expect(ids.count >= 40, "rules.md defines \(ids.count) rule ids: is the pattern still right?")
        let lines = try Self.testNamingLines()
        for id in ids.sorted() {
            let cited = lines.contains { Self.cites($0, id) }
            if let reason = Self.notJudged[id] {
                #expect(
                    !cited, "\(id) is cited by a test but listed as not judged (\(reason)): remove it from the list")
            } else {
                #expect(
                    cited,
                    "no test names \(id) in its @Test, @Suite or function name: test it, or list it as not judged")
            }
        }
        for id in Self.notJudged.keys {
            #expect(ids.contains(id), "\(id) is listed as not judged but rules.md has no such rule")
        }
    }

    @Test("a citation is the id itself, not a longer one: THR-1 is not cited by THR-12")
    func citationsMatchWholeIDs() {
        #expect(Self.cites("@Test(\"THR-1: the threshold\")", "THR-1"))
        #expect(Self.cites("func THR1_nothingHeld()", "THR-1"))
        #expect(!Self.cites("@Test(\"THR-12 is another\")", "THR-1"))
        #expect(Self.cites("@Test(\"THR-12 and THR-1\")", "THR-1"))
    }
}
