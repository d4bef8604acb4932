import HTTPTypes
import Hummingbird
import SubledgerLedger
import SubledgerStore

extension LedgerService {
    /// `GET /v1/log?from=&limit=`: at most `limit` events from position `from`, as export lines
    /// (JSON Lines with hashes), each read checking its hash and its link to the one before.
    func readLog(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let from = try parameters.integer("from", in: 1...UInt64.max, default: 1)!
        let limit = try parameters.limit(limits)
        let store = ledger.store
        let events = try await Blocking.run { try store.events(from: from, limit: limit, verifyingHashes: true) }
        let next = (events.last?.position).map { $0 + 1 } ?? from
        return Self.jsonLines(events, headers: [HTTPField.Name("Subledger-Next-Position")!: "\(next)"])
    }

    /// `GET /v1/lines/{line}/events?from=&limit=`: at most `limit` events of the line's stream
    /// from stream version `from`; 404 for a line without events.
    func readLineStream(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let line = try parameters.line()
        let from = try parameters.integer("from", in: 1...UInt64.max, default: 1)!
        let limit = try parameters.limit(limits)
        let store = ledger.store
        let stream = StreamID.line(line.text)
        let (version, events) = try await Blocking.run {
            (try store.version(of: stream), try store.events(in: stream, from: from, limit: limit))
        }
        guard version > 0 else { throw Problem.notFound("line \(line.text) has no events") }
        let next = (events.last?.streamVersion).map { $0 + 1 } ?? from
        return Self.jsonLines(events, headers: [HTTPField.Name("Subledger-Next-Version")!: "\(next)"])
    }

    /// A 200 response of `events` as export lines, `application/x-ndjson`.
    static func jsonLines(_ events: [RecordedEvent], headers: HTTPFields = [:]) -> Response {
        var bytes: [UInt8] = []
        for event in events {
            _ = EventJSON.writeExportLine(event, into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        var fields = headers
        fields[.contentType] = "application/x-ndjson"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
