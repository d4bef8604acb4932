import Foundation
import SubledgerLedger
import SubledgerServer
import SubledgerStore
import Synchronization
import Testing

/// Issue 14 item 5: the real server on a loopback port. Two clients appending to one line at
/// once (conflicts reported with the current version, nothing lost or doubled), a subscriber
/// resuming after a disconnect without a gap, a retry after a restart recording nothing
/// twice, and a shutdown during a request (it is answered, nothing is half-written).
@Suite(.serialized) struct LiveServerTests {
    typealias F = ServiceFixture

    private func jsonObject(_ text: String) throws -> JSONObject {
        guard case .object(let object) = try JSONParser.parse(text) else { throw FixtureError("not an object: \(text)") }
        return object
    }

    /// The positions and stream versions of the line's events, read over HTTP.
    private func lineVersions(_ server: LiveServer) async throws -> [JSONValue?] {
        let stream = try await server.request("GET", "/v1/lines/%2B989120000001/events?limit=10000", key: "reader")
        return try stream.body.split(separator: "\n").map { try jsonObject(String($0))["streamVersion"] }
    }

    @Test func twoClientsAppendingToOneLineGetConflictsAndLoseNothing() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.record([F.registered, F.activated]).status == 200)
        let perClient = 12
        // Each client appends `perClient` usages, each expecting the version it last saw; a
        // conflict tells it the current version, and it tries again from there.
        let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<2 {
                group.addTask {
                    var version = 1
                    var conflicts = 0
                    var recorded = 0
                    while recorded < perClient {
                        let amount = (client + 1) * 1_000 + recorded
                        let answer = try await server.record([F.usage(amount)], lineVersion: version)
                        if answer.status == 409 {
                            conflicts += 1
                            guard case .integer(let current)? = try jsonObject(answer.body)["currentVersion"] else {
                                throw FixtureError("a conflict without currentVersion: \(answer.body)")
                            }
                            version = Int(current)
                            continue
                        }
                        guard answer.status == 200 else { throw FixtureError("\(answer.status) \(answer.body)") }
                        recorded += 1
                        version += 1
                    }
                    return conflicts
                }
            }
            return try await group.reduce(0, +)
        }
        let versions = try await lineVersions(server)
        #expect(versions == (1...(1 + 2 * perClient)).map { .integer(Int64($0)) }, "nothing lost or doubled (\(conflicts) conflicts)")
        let status = try jsonObject(try await server.request("GET", "/v1/lines/%2B989120000001/status").body)
        let expectedDebt = (0..<perClient).reduce(0) { $0 + 1_000 + $1 + 2_000 + $1 }
        #expect(status["debt"] == .integer(Int64(expectedDebt)), "every usage counted once")
        // Both expecting one version at once: exactly one is recorded, the other told the current version.
        async let first = server.record([F.usage(1, day: 9)], lineVersion: 1 + 2 * perClient)
        async let second = server.record([F.usage(2, day: 9)], lineVersion: 1 + 2 * perClient)
        let answers = try await [first, second]
        #expect(answers.map(\.status).sorted() == [200, 409], "\(answers)")
        let refused = try jsonObject(answers.first { $0.status == 409 }!.body)
        #expect(refused["currentVersion"] == .integer(Int64(2 + 2 * perClient)))
        try await server.stop()
    }

    @Test func aSubscriberResumesWithLastEventIDWithoutAGapOrARepeat() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.record([F.registered, F.activated, F.usage(5)]).status == 200)
        let first = try LoopbackConnection(port: server.port)
        try first.send("GET", "/v1/subscribe?from=2", secret: F.secrets["reader"])
        _ = try await first.next(until: "\r\n\r\n")  // the response head
        _ = try await first.next(until: "\n\n")  // ": subscribed from 2"
        var seen: [String] = []
        for _ in 0..<2 { seen.append(try await first.next(until: "\n\n")) }
        #expect(seen.map { $0.split(separator: "\n").first } == ["id: 2", "id: 3"])
        #expect(seen[0].contains("event: fact\ndata: {"))
        first.disconnect()
        #expect(try await server.record([F.usage(6, day: 3), F.usage(7, day: 4)]).status == 200)
        let resumed = try LoopbackConnection(port: server.port)
        try resumed.send("GET", "/v1/subscribe?from=1", secret: F.secrets["reader"], headers: ["Last-Event-ID": "3"])
        _ = try await resumed.next(until: "\r\n\r\n")
        #expect(try await resumed.next(until: "\n\n") == ": subscribed from 4\n\n", "Last-Event-ID wins over from")
        var next: [String] = []
        for _ in 0..<2 { next.append(try await resumed.next(until: "\n\n")) }
        #expect(next.map { $0.split(separator: "\n").first } == ["id: 4", "id: 5"])
        #expect(next[1].contains(#""amount":7"#))
        // The graceful shutdown ends the subscription: the stream closes.
        try await server.stop()
        await #expect(throws: FixtureError.self) { _ = try await resumed.next(until: "\n\n") }
    }

    @Test func aRetryAfterARestartRecordsNothingTwice() async throws {
        let id = "0d7b1b1e-6a57-4c0e-9f3b-2a8c1d9e7f10"
        // The first server, and its ledger, are gone before the second opens the store.
        func firstRun() async throws -> String {
            let server = try await LiveServer.start()
            #expect(try await server.record([F.registered, F.activated, F.usage(40, eventID: id)]).status == 200)
            try await server.stop()
            return server.folder
        }
        let restarted = try await LiveServer.start(folder: try await firstRun())
        let retry = try await restarted.record([F.usage(40, eventID: id)])
        #expect(retry.status == 200)
        let summary = try jsonObject(retry.body)
        #expect(summary["imported"] == .integer(0), "\(summary)")
        #expect(summary["alreadyRecorded"] == .integer(1), "\(summary)")
        #expect(try await lineVersions(restarted).count == 2, "the usage is recorded once")
        try await restarted.stop()
    }

    @Test func aShutdownDuringARequestAnswersItAndHalfWritesNothing() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.record([F.registered, F.activated]).status == 200)
        let facts = (0..<3_000).map { F.usage(1 + $0 % 7, day: 2 + $0 % 20) }
        async let answer = server.record(facts)
        try await Task.sleep(for: .milliseconds(30))  // the request is on its way
        try await server.stop()
        // Refused by the shutdown (the connection closed) or answered: never half of it.
        let answered = try? await answer
        let head = try server.ledger.store.head().position
        if answered?.status == 200 {
            #expect(head == 3_002, "a request answered before the shutdown is recorded whole")
        } else {
            #expect(head == 2, "a request refused by the shutdown records nothing: \(String(describing: answered))")
        }
    }

    @Test func connectionsBeyondTheLimitWaitUntilOneCloses() async throws {
        var limits = ServiceLimits()
        limits.maximumConnections = 1
        let server = try await LiveServer.start(limits: limits)
        // The one connection allowed: answered once (so the server accepted it), then kept open.
        let holder = try LoopbackConnection(port: server.port)
        try holder.send("GET", "/health", secret: F.secrets["reader"], keepAlive: true)
        #expect(try await holder.next(until: "\r\n\r\n").hasPrefix("HTTP/1.1 200"))
        let answered = AnsweredFlag()
        let waiting = Task {
            let answer = try await server.request("GET", "/health", key: "reader")
            answered.set()
            return answer
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!answered.isSet, "a second connection is not served while the first is open")
        holder.disconnect()
        #expect(try await waiting.value.status == 200, "served once the first closed")
        try await server.stop()
    }
}

extension LiveServerTests {
    /// Backpressure (issue 14 item 2): a subscriber that reads slowly (a small TCP window) makes
    /// the server read the log only as fast as it takes the events, never the whole backlog.
    @Test func aSlowSubscriberIsNotReadAheadOfBeyondABoundedAmount() async throws {
        var limits = ServiceLimits()
        limits.subscriptionReadAheadEvents = 64
        let server = try await LiveServer.start(limits: limits)
        let total = 6_000
        // Events of about 1.3 KB: 6,000 of them are far more than the loopback sockets' buffers hold.
        let long = String(repeating: "calls and data ", count: 60)
        let facts = [F.registered, F.activated]
            + (0..<(total - 2)).map { F.usage(1 + $0 % 9, day: 2 + $0 % 20, description: long) }
        for batch in stride(from: 0, to: facts.count, by: 2_000) {
            let answer = try await server.record(Array(facts[batch..<min(batch + 2_000, facts.count)]))
            #expect(answer.status == 200)
        }
        let slow = try LoopbackConnection(port: server.port, receiveBufferBytes: 4_096)
        try slow.send("GET", "/v1/subscribe", secret: F.secrets["reader"])
        _ = try await slow.next(until: "\r\n\r\n")
        _ = try await slow.next(until: "id: 1\n")
        // The client takes nothing meanwhile: the server fills the sockets' buffers, then waits.
        // On a loaded machine the filling takes longer than one pause: the count is taken once
        // two reads 300 ms apart agree (at most 18 s; a server that never waits reads all).
        var readAhead = try await subscriptionReads(server)
        for _ in 0..<60 {
            try await Task.sleep(for: .milliseconds(300))
            let now = try await subscriptionReads(server)
            if now == readAhead { break }
            readAhead = now
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(readAhead < total, "read \(readAhead) of \(total) events while the client took 1")
        #expect(try await subscriptionReads(server) == readAhead, "nothing more is read while the client is stalled")
        // The first event was read partly: its rest ends the first of these reads.
        try await slow.skip(total, until: "\n\n")
        #expect(try await subscriptionReads(server) == total, "every event read once the client took them all")
        try await server.stop()
    }

    /// `subledger_subscription_events_read_total` of the server's metrics.
    private func subscriptionReads(_ server: LiveServer) async throws -> Int {
        let metrics = try await server.request("GET", "/metrics", key: "reader").body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("subledger_subscription_events_read_total ") }
        return line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    }
}

/// Whether a request was answered, set from its task.
private final class AnsweredFlag: Sendable {
    private let answered = Mutex(false)
    func set() { answered.withLock { $0 = true } }
    var isSet: Bool { answered.withLock { $0 } }
}
