import Foundation
import HTTPTypes
import SubledgerServer
import Testing

/// Issue 14 item 1: the routes are written by hand and follow docs/openapi.yaml: the same
/// operations (method and path), each with the scope the document gives it (`x-scope`), and
/// every operation documents its 401 and 403.
@Suite struct OpenAPIDocumentTests {
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var scope: String?
        var description: String { "\(method) \(path) (\(scope ?? "no scope"))" }
    }

    static let documentPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path

    /// The operations under `paths:` (two-space paths, four-space methods, six-space `x-scope`),
    /// and those that document 401 and 403.
    static func operations() throws -> (all: [Operation], withAccessRefusals: Set<String>) {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        var operations: [Operation] = []
        var refusals: [String: Set<String>] = [:]
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, let method = ["get", "post", "put", "delete"].first(where: { line == "    \($0):" }) {
                operations.append(Operation(method: method.uppercased(), path: path))
            } else if line.hasPrefix("      x-scope: "), !operations.isEmpty {
                operations[operations.count - 1].scope = String(line.dropFirst("      x-scope: ".count))
            } else if let last = operations.last, line.hasPrefix("        \"40") {
                refusals["\(last.method) \(last.path)", default: []].insert(String(line.dropFirst(9).prefix(3)))
            }
        }
        let refusing = Set(refusals.filter { $0.value.isSuperset(of: ["401", "403"]) }.keys)
        return (operations, refusing)
    }

    @Test func theRoutesAreTheDocumentsOperationsWithTheirScopes() throws {
        let (documented, refusing) = try Self.operations()
        #expect(documented.count >= 16, "the document's operations were read: \(documented)")
        let served = ServiceFixture().service.endpoints.map {
            Operation(method: $0.method.rawValue, path: $0.path, scope: $0.scope.rawValue)
        }
        let unserved = Set(documented).subtracting(served)
        #expect(Set(served) == Set(documented), "served, not documented: \(Set(served).subtracting(documented)); \(unserved)")
        #expect(served.count == Set(served).count, "no route twice")
        for operation in documented {
            #expect(refusing.contains("\(operation.method) \(operation.path)"), "\(operation) documents 401 and 403")
        }
    }
}
