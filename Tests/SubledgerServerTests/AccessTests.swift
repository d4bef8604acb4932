import Foundation
import HTTPTypes
import HummingbirdTesting
import SubledgerServer
import SubledgerStore
import Testing

/// Issue 14 item 4: every endpoint refuses without a key, with an unknown key, and with a
/// key that lacks its scope; each refusal is a problem document and records nothing.
@Suite struct AccessTests {
    /// A concrete path of each endpoint (its `{line}` filled in).
    private static func uri(_ endpoint: Endpoint) -> String {
        endpoint.path.replacingOccurrences(of: "{line}", with: "%2B989120000001")
            .replacingOccurrences(of: "{subscriber}", with: "S-1")
    }

    /// A key that lacks `scope` (and is not admin).
    private static func keyWithout(_ scope: APIScope) -> String {
        switch scope {
        case .read: "eraser"
        case .record, .erase, .admin: "reader"
        case .apply: "recorder"
        }
    }

    @Test func everyEndpointRefusesWithoutAKeyWithAnUnknownKeyAndWithoutItsScope() async throws {
        let fixture = ServiceFixture()
        let endpoints = fixture.service.endpoints
        #expect(endpoints.count == 18)
        try await fixture.test { client in
            for endpoint in endpoints {
                let uri = Self.uri(endpoint)
                let body = ServiceFixture.body([ServiceFixture.registered])
                let none = try await client.execute(uri: uri, method: endpoint.method, headers: [:], body: body)
                #expect(none.status == .unauthorized, "\(endpoint.path) without a key: \(none.status)")
                #expect(none.headers[.contentType] == "application/problem+json")
                #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(try none.object()["type"] == .string(Problem.typePrefix + "unauthorized"))

                let unknown = try await client.execute(
                    uri: uri, method: endpoint.method, headers: ServiceFixture.headers("not-a-key"), body: body)
                #expect(unknown.status == .unauthorized, "\(endpoint.path) with an unknown key: \(unknown.status)")

                let scopeless = try await client.execute(
                    uri: uri, method: endpoint.method, headers: ServiceFixture.headers(Self.keyWithout(endpoint.scope)),
                    body: body)
                #expect(scopeless.status == .forbidden, "\(endpoint.path) without \(endpoint.scope): \(scopeless.status)")
                #expect(try scopeless.object()["scope"] == .string(endpoint.scope.rawValue))
            }
            // Nothing of those requests was recorded.
            let health = try await client.execute(uri: "/health", method: .get, headers: ServiceFixture.headers("reader"))
            #expect(health.status == .ok)
            #expect(try health.object()["head"] == .integer(0))
        }
    }

    @Test func aBearerHeaderOfAnotherSchemeIsRefused() async throws {
        try await ServiceFixture().test { client in
            let basic = try await client.execute(
                uri: "/health", method: .get, headers: [.authorization: "Basic c2VjcmV0LWFkbWlu"])
            #expect(basic.status == .unauthorized)
            #expect(try basic.object()["detail"]?.stringValue?.contains("Bearer") == true)
        }
    }

    @Test func theKeyFileKeepsOnlyHashesAndNamesTheLineOfABadKey() throws {
        let (secret, line) = APIKeyFile.newKey(name: "billing", scopes: [.record, .read])
        #expect(!line.contains(secret), "the file's line holds the hash, not the secret")
        #expect(line.contains(APIKeyFile.sha256Hex(of: secret)))
        #expect(line == #"{"name":"billing","scopes":["read","record"],"sha256":"\#(APIKeyFile.sha256Hex(of: secret))"}"#)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.jsonl").path
        try (line + "\n" + #"{"name":"x","scopes":["write"],"sha256":"00"}"# + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: APIKeyFileError.self) { try APIKeyFile.read(at: path) }
        do { _ = try APIKeyFile.read(at: path) } catch {
            #expect(error.description.hasPrefix("keys.jsonl:2: field scopes:"), "\(error)")
        }
        try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let keys = try APIKeyFile.read(at: path)
        #expect(keys.key(forSecret: secret)?.name == "billing")
        #expect(keys.key(forSecret: secret + "x") == nil)
    }
}

/// A served path asked with another method is 405 with `Allow`; an unknown path 404: both problems.
@Suite struct UnroutedTests {
    @Test func anotherMethodIs405WithAllowAndAnUnknownPath404() async throws {
        try await ServiceFixture().test { client in
            let wrong = try await client.execute(
                uri: "/v1/lines/%2B989120000001/status", method: .delete, headers: ServiceFixture.headers("admin"))
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
            let unknown = try await client.execute(uri: "/v2/nothing", method: .get, headers: ServiceFixture.headers("admin"))
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
            let empty = try await client.execute(uri: "/v1/audit?line=", method: .get, headers: ServiceFixture.headers("admin"))
            #expect(empty.status == .badRequest, "an empty parameter is not an absent one")
        }
    }
}
