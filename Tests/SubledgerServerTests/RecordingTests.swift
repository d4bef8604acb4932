import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SubledgerLedger
import SubledgerServer
import SubledgerStore
import Testing

/// Issue 14 items 2 and 3: appends with expected versions, all or nothing, idempotent by
/// `eventId`; every refusal a problem that names where and why, and nothing recorded.
@Suite struct RecordingTests {
    typealias F = ServiceFixture

    private func post(
        _ client: some TestClientProtocol, _ body: ByteBuffer, uri: String = "/v1/facts", key: String = "recorder"
    ) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: F.headers(key, json: true), body: body)
    }

    private func head(_ client: some TestClientProtocol) async throws -> JSONValue? {
        try await client.execute(uri: "/health", method: .get, headers: F.headers("reader")).object()["head"]
    }

    @Test func factsAreRecordedAsImportSaysAndTheKeyIsTheActor() async throws {
        try await F().test { client in
            let response = try await post(client, F.body([F.registered, F.activated, F.usage(500)]))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body) == #"{"alreadyRecorded":0,"firstPosition":1,"imported":3,"lastPosition":3}"# + "\n")
            let log = try await client.execute(uri: "/v1/log?from=2", method: .get, headers: F.headers("reader"))
            #expect(log.headers[HTTPField.Name("Subledger-Next-Position")!] == "4")
            let lines = try log.lines()
            #expect(lines.map { $0["position"] } == [.integer(2), .integer(3)])
            for line in lines { #expect(line["metadata"]?.objectValue?["actor"] == .string("recorder")) }
        }
    }

    @Test func aRetriedRequestRecordsNothingTwiceWhateverItsExpectedVersions() async throws {
        try await F().test { client in
            #expect(try await post(client, F.body([F.registered, F.activated])).status == .ok)
            let id = "5b0c3a52-8f1e-4a57-9a3e-3f1d2c4b5a60"
            let request = F.body([F.usage(700, eventID: id)], expected: [#"{"line":"+989120000001","version":1}"#])
            let first = try await post(client, request)
            #expect(try first.object()["imported"] == .integer(1))
            let retry = try await post(client, request)
            #expect(retry.status == .ok, "\(String(buffer: retry.body))")
            #expect(try retry.object()["imported"] == .integer(0))
            #expect(try retry.object()["alreadyRecorded"] == .integer(1))
            #expect(try await head(client) == .integer(3))
            // The same id with other content is refused, naming the field.
            let other = try await post(client, F.body([F.usage(701, eventID: id)]))
            #expect(other.status == .unprocessableContent)
            #expect(try other.object()["field"] == .string("facts[0].eventId"), "\(String(buffer: other.body))")
        }
    }

    @Test func aStreamAtAnotherVersionIsAConflictWithItsCurrentVersion() async throws {
        try await F().test { client in
            #expect(try await post(client, F.body([F.registered, F.activated, F.usage(1)])).status == .ok)
            let stale = F.body([F.usage(2, day: 3)], expected: [#"{"line":"+989120000001","version":1}"#])
            let conflict = try await post(client, stale)
            #expect(conflict.status == .conflict)
            let problem = try conflict.object()
            #expect(problem["currentVersion"] == .integer(2))
            #expect(problem["expectedVersion"] == .integer(1))
            #expect(problem["stream"] == .string("line +989120000001"))
            #expect(problem["type"] == .string(Problem.typePrefix + "version-conflict"))
            #expect(try await head(client) == .integer(3))
            let fresh = F.body([F.usage(2, day: 3)], expected: [#"{"line":"+989120000001","version":2}"#])
            #expect(try await post(client, fresh).status == .ok)
            // A stream the batch does not write may be expected too (no event yet: 0).
            let other = F.body([F.usage(3, day: 4)], expected: [#"{"subscriber":"S-2","version":1}"#])
            let refused = try await post(client, other)
            #expect(try refused.object()["currentVersion"] == .integer(0))
        }
    }

    @Test func badJSONNamesItsLineAndColumn() async throws {
        try await F().test { client in
            let body = ByteBuffer(string: "{\"facts\": [\n  {\"type\": \"UsageRecorded\",\n   \"line\" \"+98\"}]}")
            let response = try await post(client, body)
            #expect(response.status == .badRequest)
            let problem = try response.object()
            #expect(problem["type"] == .string(Problem.typePrefix + "bad-json"))
            #expect(problem["line"] == .integer(3))
            #expect(problem["column"] == .integer(11), "\(problem)")
        }
    }

    @Test func aFactThatCannotBeOneNamesItsFieldAndRecordsNothing() async throws {
        try await F().test { client in
            let response = try await post(client, F.body([F.registered, F.activated, F.usage(-5)]))
            #expect(response.status == .unprocessableContent)
            let problem = try response.object()
            #expect(problem["field"] == .string("facts[2].data.amount"), "\(problem)")
            #expect(problem["index"] == .integer(2))
            #expect(try await head(client) == .integer(0), "all or nothing")
            let unknownLine = try await post(client, F.body([F.usage(5)]))
            #expect(unknownLine.status == .unprocessableContent, "\(String(buffer: unknownLine.body))")
            let impostor = F.registered.replacingOccurrences(of: #""data""#, with: #""metadata":{"actor":"x"},"data""#)
            let impersonating = try await post(client, F.body([impostor]))
            #expect(try impersonating.object()["field"] == .string("facts[0].metadata.actor"))
        }
    }

    @Test func anActionARuleForbidsNamesTheRule() async throws {
        try await F().test { client in
            #expect(try await post(client, F.body([F.registered, F.activated, F.usage(900_000)])).status == .ok)
            let cut =
                #"{"type":"LineSuspended","line":"+989120000001","occurredAt":"2025-01-03T00:00:00Z","data":{"direction":"oneWay","reason":"threshold","debtLine":"+989120000001"}}"#
            let refused = try await post(client, F.body([cut]), uri: "/v1/actions", key: "operator")
            #expect(refused.status == .unprocessableContent)
            let problem = try refused.object()
            #expect(problem["type"] == .string(Problem.typePrefix + "rule-violation"))
            #expect(problem["rule"]?.stringValue?.isEmpty == false, "\(problem)")
            #expect(problem["policyEdition"] == .string("2021"))
            #expect(try await head(client) == .integer(3))
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: F.headers("reader"))
            let rule = problem["rule"]?.stringValue ?? "?"
            #expect(String(buffer: metrics.body).contains(#"subledger_refusals_total{rule="\#(rule)"} 1"#))
        }
    }

    @Test func aBodyOrABatchOverItsLimitIsRefusedWithTheLimit() async throws {
        var limits = ServiceLimits()
        limits.maximumBodyBytes = 2_048
        limits.maximumFactsPerRequest = 3
        try await F(limits: limits).test { client in
            let large = ByteBuffer(string: #"{"facts":[""# + String(repeating: "x", count: 4_000) + #""]}"#)
            let body = try await post(client, large)
            #expect(body.status == .contentTooLarge)
            #expect(try body.object()["limit"] == .integer(2_048))
            let batch = try await post(client, F.body([F.registered, F.activated, F.usage(1), F.usage(2)]))
            #expect(batch.status == .contentTooLarge)
            #expect(try batch.object()["type"] == .string(Problem.typePrefix + "batch-too-large"))
            #expect(try await head(client) == .integer(0))
        }
    }
}
