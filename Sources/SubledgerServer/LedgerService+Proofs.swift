import Hummingbird
import SubledgerLedger
import SubledgerStore

extension LedgerService {
    /// `GET /v1/proofs/inclusion?position=&size=`: as `prove POSITION [--size N] --json`.
    func inclusionProof(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let position = try parameters.requiredInteger("position", in: 1...UInt64.max)
        let size = try parameters.integer("size", in: 1...UInt64.max)
        let store = ledger.store
        let proof = try await Blocking.run { try store.inclusionProof(position: position, treeSize: size) }
        return Self.json(proof.json)
    }

    /// `GET /v1/proofs/consistency?from=&to=`: as `prove --consistency M N --json`.
    func consistencyProof(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let from = try parameters.requiredInteger("from", in: 1...UInt64.max)
        let to = try parameters.requiredInteger("to", in: 1...UInt64.max)
        guard from <= to else { throw Problem.badParameter("from", "\(from) is after to (\(to)): give M <= N") }
        let store = ledger.store
        let proof = try await Blocking.run { try store.consistencyProof(from: from, to: to) }
        return Self.json(proof.json)
    }

    /// `GET /v1/export?line=|subscriber=&proof=`: the whole log or one stream as export lines;
    /// with `proof=true`, up to the latest checkpoint, one JSON object with the lines and
    /// `{"checkpoint", "inclusion"}` of the last (as `export --proof FILE` writes it).
    func export(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let stream = try exportedStream(parameters)
        let store = ledger.store
        if let stream {
            guard try await Blocking.run({ try store.version(of: stream) }) > 0 else {
                throw Problem.notFound("\(stream) has no events in the store: nothing to export")
            }
        }
        guard try parameters.flag("proof") else { return streamedExport(of: stream) }
        let limit = limits.maximumExportEventsWithProof
        let (events, proof) = try await Blocking.run { () throws -> ([RecordedEvent], JSONValue) in
            guard let checkpoint = try store.latestCheckpoint() else {
                throw Problem(
                    .unprocessableContent, name: "no-checkpoint", title: "No checkpoint covers the export",
                    detail: "an export with its proof needs a recorded checkpoint: POST /v1/checkpoints first")
            }
            let events = try Self.events(of: stream, in: store, upTo: checkpoint.size, limit: limit)
            guard let last = events.last else {
                throw Problem.notFound("no event of the export is in the latest checkpoint (size \(checkpoint.size))")
            }
            let inclusion = try store.inclusionProof(position: last.position, treeSize: checkpoint.size)
            try inclusion.verify(eventHash: last.hash)
            return (events, .object(["checkpoint": checkpoint.json, "inclusion": inclusion.json]))
        }
        let lines: [JSONValue] = events.map { event in
            var bytes: [UInt8] = []
            _ = EventJSON.writeExportLine(event, into: &bytes)
            return .string(String(decoding: bytes, as: UTF8.self))
        }
        return Self.json(.object(["lines": .array(lines), "proof": proof]))
    }

    /// The stream `line` or `subscriber` names, or `nil` for the whole log.
    private func exportedStream(_ parameters: RequestParameters) throws(Problem) -> StreamID? {
        switch (try parameters.text("line"), try parameters.text("subscriber")) {
        case (nil, nil): return nil
        case (let line?, nil):
            do { return .line(try LineNumber(line, field: "line").text) } catch {
                throw Problem.badParameter("line", error.reason)
            }
        case (nil, let subscriber?):
            do { return .subscriber(try SubscriberID(subscriber, field: "subscriber").text) } catch {
                throw Problem.badParameter("subscriber", error.reason)
            }
        default: throw Problem.badParameter("subscriber", "give line or subscriber, not both")
        }
    }

    /// The events of `stream` (or the log) at positions up to `size`: 413 beyond `limit`.
    private static func events(of stream: StreamID?, in store: EventStore, upTo size: UInt64, limit: Int) throws
        -> [RecordedEvent]
    {
        let tooLarge = Problem.tooLarge(
            "export-too-large",
            "an export with its proof holds at most \(limit) events; this one has more: export a line's events",
            limit: limit)
        guard let stream else {
            let events = try store.events(from: 1, limit: Int(min(size, UInt64(limit) + 1)), verifyingHashes: true)
            guard events.count <= limit else { throw tooLarge }
            return events
        }
        var events: [RecordedEvent] = []
        try store.forEachEvent(in: stream) { event in
            guard event.position <= size else { return }
            guard events.count < limit else { throw tooLarge }  // stops the read: memory holds at most `limit`
            events.append(event)
        }
        return events
    }

    /// The export as a streamed body: read in chunks, each in its own short read transaction,
    /// written as the client takes them.
    private func streamedExport(of stream: StreamID?) -> Response {
        let store = ledger.store
        let chunk = 4_096
        let body = ResponseBody { writer in
            var next: UInt64 = 1
            while true {
                let events = try await Blocking.run { [next] in
                    if let stream { return try store.events(in: stream, from: next, limit: chunk) }
                    return try store.events(from: next, limit: chunk, verifyingHashes: true)
                }
                guard let last = events.last else { break }
                var bytes: [UInt8] = []
                for event in events {
                    _ = EventJSON.writeExportLine(event, into: &bytes)
                    bytes.append(UInt8(ascii: "\n"))
                }
                try await writer.write(ByteBuffer(bytes: bytes))
                next = (stream == nil ? last.position : last.streamVersion) + 1
                if events.count < chunk { break }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
    }
}
