import Foundation
import Testing

/// Every Swift block of the README and of the DocC article is the code of an example that
/// this suite runs (`Sources/SubledgerExamples`): the documents cannot show code that does
/// not compile, crashes or never ends (issue 9, item 11).
@Suite("Documentation snippets compile, run and end")
struct DocumentationSnippetTests {
    /// A document and the example whose code its Swift blocks show, in order.
    struct Case: CustomStringConvertible, Sendable {
        var document: String
        var example: String
        var exampleFiles: [String]
        var description: String { "\(document) ← \(example)" }
    }

    static let cases: [Case] = [
        Case(
            document: "README.md", example: "readme-ledger",
            exampleFiles: [
                "Sources/SubledgerExamples/ReadmeLedgerExample.swift",
                "Sources/SubledgerExamples/ReadmeStoreExample.swift",
            ]),
        Case(
            document: "Sources/SubledgerLedger/SubledgerLedger.docc/UsingTheLedgerFromAService.md",
            example: "using-the-ledger",
            exampleFiles: ["Sources/SubledgerExamples/UsingTheLedgerFromAServiceExample.swift"]),
    ]

    @Test("each Swift block of the document is the example's code", arguments: cases)
    func theDocumentShowsTheExamplesCode(_ documented: Case) throws {
        let document = try Self.read(documented.document)
        let blocks = SnippetText.swiftBlocks(in: document)
        var snippets: [String] = []
        for file in documented.exampleFiles { snippets += try SnippetText.snippets(in: Self.read(file)) }
        #expect(
            blocks.count == snippets.count,
            "\(documented.document) has \(blocks.count) Swift blocks, the examples \(snippets.count)")
        for (index, (block, snippet)) in zip(blocks, snippets).enumerated() {
            #expect(
                block == snippet,
                "Swift block \(index + 1) of \(documented.document) is not the example's code:\n--- document\n\(block)\n--- example\n\(snippet)"
            )
        }
    }

    @Test(
        "each example runs to its end in a new folder",
        arguments: ["readme-ledger", "readme-store", "using-the-ledger"])
    func theExampleRunsAndEnds(_ example: String) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(ExamplesBinary.path, [example], inSandboxFolder: true)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.isEmpty, "\(result)")
    }

    // Issue 11, item 13: the notice's metadata `rule` is now the one rule that allowed it
    // (NTC-2: it counts), no longer every rule judged (which contained NTC-1).
    @Test("the README's ledger example records what it says: a notice allowed by NTC-2, followed to its position")
    func theReadmeExampleRecordsTheNotice() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(ExamplesBinary.path, ["readme-ledger"], inSandboxFolder: true)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("4 NoticeSent NTC-2"), "\(result)")
        #expect(lines.contains("status active debt 245000 threshold 300000"), "\(result)")
        #expect(lines.contains { $0.hasPrefix("due [\"+989351112233 notice NTC-1") }, "\(result)")
    }

    @Test("the extraction refuses a snippet that is never closed")
    func anUnclosedSnippetIsRefused() {
        #expect(throws: SnippetText.Unclosed.self) { try SnippetText.snippets(in: "// snippet a\nlet x = 1\n") }
    }

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: SubledgerBinary.repository.appendingPathComponent(relativePath), encoding: .utf8)
    }
}

/// The built `SubledgerExamples` executable, beside `subledger`.
enum ExamplesBinary {
    static var path: String {
        URL(fileURLWithPath: SubledgerBinary.path).deletingLastPathComponent().appendingPathComponent(
            "SubledgerExamples"
        ).path
    }
}

/// Reading code blocks out of Markdown and marked parts out of Swift sources.
enum SnippetText {
    struct Unclosed: Error {}

    /// The contents of every ```swift fenced block, in order.
    static func swiftBlocks(in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    /// The marked parts of a Swift source: `// snippet NAME` to `// end`, each dedented
    /// on its own; a part marked `continued` joins the block before it.
    static func snippets(in source: String) throws(Unclosed) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        var continues = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed.hasPrefix("// snippet ") {
                current = []
                continues = trimmed.hasSuffix(" continued")
            } else if current != nil, trimmed == "// end" {
                let text = dedent(current!)
                if continues, let last = blocks.popLast() {
                    blocks.append(last + "\n\n" + text)
                } else {
                    blocks.append(text)
                }
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        guard current == nil else { throw Unclosed() }
        return blocks
    }

    private static func dedent(_ lines: [Substring]) -> String {
        let indent = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { String($0.dropFirst(min(indent, $0.count))) }.joined(separator: "\n")
    }
}
