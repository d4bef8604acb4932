import HTTPTypes
import HummingbirdTesting
import NIOCore
import SubledgerLedger
import SubledgerServer
import SubledgerStore
import Testing

/// Issue 14 items 2 and 4: erasure over HTTP (RET-1), behind the `erase` scope: the
/// subscriber's key is destroyed, `PersonalDataErased` names the caller's key as its actor,
/// and every refusal is a problem that records nothing.
@Suite struct ErasureTests {
    typealias F = ServiceFixture

    private func post(_ client: some TestClientProtocol, _ uri: String, key: String = "eraser") async throws
        -> TestResponse
    {
        try await client.execute(uri: uri, method: .post, headers: F.headers(key))
    }

    /// Registers S-1 (with a name and a national id, sealed) and activates its line, through the service.
    private func registered(_ client: some TestClientProtocol) async throws {
        let response = try await client.execute(
            uri: "/v1/facts", method: .post, headers: F.headers("recorder", json: true),
            body: F.body([F.registered, F.activated]))
        #expect(response.status == .ok)
    }

    @Test func RET1_aSubscriberIsErasedOnceWithTheKeyAsActor() async throws {
        let ledger = Ledger.inMemory()
        try await F(ledger: ledger).test { client in
            try await registered(client)
            #expect(try ledger.store.disclosures(at: 1) != nil, "the registration's personal data can be read")
            let erased = try await post(client, "/v1/subscribers/S-1/erasure")
            #expect(erased.status == .ok, "\(String(buffer: erased.body))")
            #expect(String(buffer: erased.body) == #"{"erased":["S-1"],"position":3}"# + "\n")
            let again = try await post(client, "/v1/subscribers/S-1/erasure")
            #expect(again.status == .unprocessableContent)
            #expect(try again.object()["field"] == .string("subscriber"), "\(String(buffer: again.body))")
            let detail = try again.object()["detail"]?.stringValue ?? ""
            #expect(detail.hasPrefix("field subscriber: the personal data of S-1 was erased already"), "\(detail)")
            let unknown = try await post(client, "/v1/subscribers/S-404/erasure")
            #expect(unknown.status == .notFound, "\(String(buffer: unknown.body))")
            let malformed = try await post(client, "/v1/subscribers/\(String(repeating: "x", count: 201))/erasure")
            #expect(malformed.status == .badRequest, "\(String(buffer: malformed.body))")
            #expect(try malformed.object()["field"] == .string("subscriber"))
        }
        let last = try #require(try ledger.store.events(at: 3..<4).first)
        #expect(last.type == "PersonalDataErased")
        #expect(last.metadata["actor"] == "eraser")
        #expect(try ledger.store.disclosures(at: 1) == nil, "the subscriber's key is destroyed")
        #expect(try ledger.store.head().position == 3, "the refusals recorded nothing")
    }

    @Test func RET1_dueErasuresAreAnEmptyListWhenNoneIsDueAndABadTimeIsRefused() async throws {
        let ledger = Ledger.inMemory()
        try await F(ledger: ledger).test { client in
            try await registered(client)
            let none = try await post(client, "/v1/erasures/due?at=2025-02-01T00:00:00Z")
            #expect(String(buffer: none.body) == #"{"erased":[],"position":0}"# + "\n")
            let bad = try await post(client, "/v1/erasures/due?at=soon")
            #expect(bad.status == .badRequest)
            #expect(try bad.object()["field"] == .string("at"))
        }
        #expect(try ledger.store.head().position == 2)
    }
}
