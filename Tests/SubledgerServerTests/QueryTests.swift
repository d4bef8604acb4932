import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SubledgerLedger
import SubledgerServer
import SubledgerStore
import Testing

/// Issue 14 item 2: the reading endpoints answer what the command line's `--json` prints
/// (the same library documents), and the proofs prove what they say.
@Suite struct QueryTests {
    typealias F = ServiceFixture

    private func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: F.headers("reader"))
    }

    private func recorded(_ ledger: Ledger) async throws -> F {
        let fixture = F(ledger: ledger)
        try await fixture.test { client in
            let body = F.body([F.registered, F.activated, F.usage(500), F.usage(700, day: 5)])
            let response = try await client.execute(
                uri: "/v1/facts", method: .post, headers: F.headers("recorder", json: true), body: body)
            #expect(response.status == .ok)
        }
        return fixture
    }

    @Test func statusIsTheLibrarysDocumentAsOfAndKnownAt() async throws {
        let ledger = Ledger.inMemory()
        let fixture = try await recorded(ledger)
        let line: LineNumber = "+989120000001"
        let now = CanonicalJSON.encode(.object(try ledger.status(of: line).json))
        let asOf = try Timestamp(rfc3339: "2025-01-03T00:00:00Z")
        let then = CanonicalJSON.encode(.object(try ledger.status(of: line, view: .init(asOf: asOf)).json))
        #expect(now != then)
        try await fixture.test { client in
            let current = try await get(client, "/v1/lines/%2B989120000001/status")
            #expect(Array(current.body.readableBytesView) == now + [0x0A])
            #expect(try current.object()["debt"] == .integer(1_200))
            let past = try await get(client, "/v1/lines/+989120000001/status?asOf=2025-01-03T00:00:00Z")
            #expect(Array(past.body.readableBytesView) == then + [0x0A])
            #expect(try past.object()["debt"] == .integer(500))
            let bad = try await get(client, "/v1/lines/+989120000001/status?knownAt=yesterday")
            #expect(bad.status == .badRequest)
            #expect(try bad.object()["field"] == .string("knownAt"))
            let unknown = try await get(client, "/v1/lines/+989129999999/status")
            #expect(unknown.status == .notFound)
            let malformed = try await get(client, "/v1/lines/0912/status")
            #expect(try malformed.object()["field"] == .string("line"))
        }
    }

    @Test func theOtherQueriesAnswerTheLibrarysDocuments() async throws {
        let ledger = Ledger.inMemory()
        let fixture = try await recorded(ledger)
        let line: LineNumber = "+989120000001"
        let settlement = CanonicalJSON.encode(.object(try ledger.settlement(of: line).json))
        let audit = CanonicalJSON.encode(.array(try ledger.audit().map { .object($0.json) }))
        let at = try Timestamp(rfc3339: "2025-06-01T00:00:00Z")
        let due = CanonicalJSON.encode(.array(try ledger.due(at: at).map { .object($0.json) }))
        try await fixture.test { client in
            let answered = [
                ("/v1/lines/+989120000001/settlement", settlement), ("/v1/audit", audit),
                ("/v1/due?at=2025-06-01T00:00:00Z", due),
            ]
            for (uri, expected) in answered {
                let response = try await get(client, uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(Array(response.body.readableBytesView) == expected + [0x0A], "\(uri)")
            }
            let replay = try await get(client, "/v1/lines/+989120000001/replay")
            #expect(replay.status == .ok)
            #expect(try replay.object()["entries"]?.arrayCount == 3, "\(String(buffer: replay.body).prefix(300))")
            let stream = try await get(client, "/v1/lines/+989120000001/events?from=2&limit=1")
            #expect(try stream.lines().map { $0["streamVersion"] } == [.integer(2)])
            #expect(stream.headers[HTTPField.Name("Subledger-Next-Version")!] == "3")
        }
    }

    @Test func checkpointsProofsAndAnExportWithItsProofVerify() async throws {
        let fixture = try await recorded(Ledger.inMemory())
        try await fixture.test { client in
            let none = try await get(client, "/v1/export?line=%2B989120000001&proof=true")
            #expect(none.status == .unprocessableContent, "no checkpoint yet")
            let signed = try await client.execute(uri: "/v1/checkpoints", method: .post, headers: F.headers("admin"))
            #expect(signed.status == .ok, "\(String(buffer: signed.body))")
            #expect(try signed.object()["size"] == .integer(4))
            let inclusion = try await get(client, "/v1/proofs/inclusion?position=3")
            #expect(try inclusion.object()["treeSize"] == .integer(4))
            let consistency = try await get(client, "/v1/proofs/consistency?from=2&to=4")
            #expect(try consistency.object()["fromSize"] == .integer(2))
            let outOfRange = try await get(client, "/v1/proofs/inclusion?position=9")
            #expect(outOfRange.status == .unprocessableContent)
            let exported = try await get(client, "/v1/export?line=%2B989120000001&proof=true")
            let document = try exported.object()
            guard case .array(let lines)? = document["lines"], case .object(let proof)? = document["proof"],
                case .object(let included)? = proof["inclusion"]
            else { throw FixtureError("export with proof: \(document)") }
            #expect(lines.count == 3)
            #expect(included["leafIndex"] == .integer(3), "the last exported event is at position 4")
            let whole = try await get(client, "/v1/export")
            #expect(try whole.lines().count == 4)
            #expect(whole.headers[.contentType] == "application/x-ndjson")
        }
    }
}

extension JSONValue {
    /// The count of an array's elements, `nil` for another value.
    var arrayCount: Int? {
        guard case .array(let elements) = self else { return nil }
        return elements.count
    }
}
