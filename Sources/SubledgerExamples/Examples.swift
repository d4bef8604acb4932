// The examples of the README and the DocC articles as a program, so that a test compiles
// and runs every snippet as the documents show it (`DocumentationSnippetTests`). Each runs
// in the current folder, which the test makes new for it.

@main
struct Examples {
    static func main() async throws {
        let name = CommandLine.arguments.dropFirst().first ?? ""
        switch name {
        case "readme-ledger": try await readmeLedgerExample()
        case "readme-store": try readmeStoreExample()
        case "using-the-ledger": try await usingTheLedgerFromAServiceExample()
        default:
            print("usage: subledger-examples readme-ledger|readme-store|using-the-ledger")
            throw ExampleError.unknown(name)
        }
    }
}

enum ExampleError: Error {
    case unknown(String)
}
