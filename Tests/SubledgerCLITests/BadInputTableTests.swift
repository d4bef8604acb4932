import Foundation
import SubledgerStore
import Testing

/// Bad input over `import` and `apply`, table-driven (``BadInputCase/all``): each case is
/// refused with one line on stderr naming FILE:LINE and the field, a non-zero exit,
/// nothing on stdout, and the store exactly as it was.
@Suite("Bad input, table-driven, over import and apply")
struct BadInputTableTests {
    /// The worked example, with an `eventId` on its usage line (for the reuse case).
    static let storeText = WorkedExample.with(
        line: 4,
        replacedBy: WorkedExample.lines[3].replacing(
            #""occurredAt""#, with: #""eventId":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","occurredAt""#))

    @Test(arguments: BadInputCase.all)
    func refusedWholeNamingLineAndField(_ bad: BadInputCase) throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", Self.storeText)).status == 0)
        let before = try StoreState(sandbox.store)
        let path = sandbox.folder + "/events.jsonl"
        try Data(bad.bytes).write(to: URL(fileURLWithPath: path))
        for command in ["import", "apply"] {
            let refused = try sandbox.run(SubledgerBinary.path, [command, path])
            let expected = command == "apply" ? bad.expectedByApply ?? bad.expected : bad.expected
            let context = "\(command) \(bad.name): \(refused.stderr.prefix(400))"
            #expect(refused.status != 0, "\(context)")
            #expect(refused.stdout.isEmpty, "\(context)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "one line on stderr: \(context)")
            let fragments = ["/events.jsonl:\(bad.lineNumber): "] + expected
            let missing = fragments.filter { !refused.stderr.contains($0) }
            if let knownIssue = bad.knownIssue {
                withKnownIssue(Comment(rawValue: knownIssue)) { #expect(missing.isEmpty, "\(context)") }
            } else {
                #expect(missing.isEmpty, "missing \(missing): \(context)")
            }
            #expect(try StoreState(sandbox.store) == before, "\(context): the store changed")
        }
    }

    @Test func theTableCoversTheIssuesList() {
        print(
            "bad input: \(BadInputCase.all.count) bad inputs, each tried with import and apply "
                + "(\(BadInputCase.all.count * 2) refusals), each naming file:line and the field, the store unchanged")
        #expect(BadInputCase.all.count >= 30)
    }
}

/// A store as its readers see it: its head and its verdict.
struct StoreState: Equatable {
    var position: UInt64
    var hash: ChainHash
    var verified: UInt64

    init(_ folder: String) throws {
        let store = try EventStore.open(at: folder)
        (position, hash) = try store.head()
        verified = try store.verify().verifiedCount
    }
}
