import Dispatch
import Hummingbird
import Logging
import NIOCore
import SubledgerLedger
import SubledgerStore

extension LedgerService {
    /// `POST /v1/facts` (as `import`) and `POST /v1/actions` (as `apply`): all of the request's
    /// facts in one transaction, or none; answers the command's `--json` document.
    func append(_ request: Request, _ context: ServiceRequestContext, purpose: AppendRequest.Purpose) async throws
        -> Response
    {
        let body = try await readBody(request)
        let parsed = try AppendRequest.parse(body, purpose: purpose, actor: actor(context), limits: limits)
        let result: AppendResult
        do {
            switch purpose {
            case .record: result = try await ledger.record(parsed.facts, expecting: parsed.expected)
            case .apply: result = try await ledger.apply(parsed.facts, expecting: parsed.expected)
            }
        } catch {
            let problem = Problem.of(error)
            metrics.refused(rule: error.rule?.rawValue ?? problem.name)
            throw problem
        }
        metrics.recorded(appended: result.appendedCount, batch: parsed.facts.count)
        let appended = result.appendedCount
        let first = appended > 0 ? JSONValue.integer(Int64(result.headPosition) - Int64(appended) + 1) : .null
        let object: JSONObject = [
            purpose == .record ? "imported" : "applied": .integer(Int64(appended)),
            "alreadyRecorded": .integer(Int64(parsed.facts.count - appended)),
            "firstPosition": first, "lastPosition": appended > 0 ? .integer(Int64(result.headPosition)) : .null,
        ]
        return Self.json(.object(object))
    }

    /// `POST /v1/checkpoints`: signs and records a checkpoint of the log as it is (as
    /// `checkpoint --json`), on the ledger's preparation queue (a write transaction, never on the pool).
    func checkpoint(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let store = ledger.store
        guard let keyFile = store.keyFile else {
            throw Problem(
                .internalServerError, name: "no-key-file", title: "The store has no key file",
                detail: "the store was opened without its key file: checkpoints cannot be signed")
        }
        let signed: SignedCheckpoint = try await withCheckedThrowingContinuation { continuation in
            ledger.preparationQueue.async {
                continuation.resume(with: Result { try store.recordCheckpoint(signingKey: keyFile.signingKey) })
            }
        }
        context.logger.info(
            "checkpoint recorded", metadata: ["size": .stringConvertible(signed.size), "key": .string(actor(context))])
        return Self.json(signed.json)
    }

    /// The whole body, at most ``ServiceLimits/maximumBodyBytes`` (413 `body-too-large` beyond:
    /// refused by its `Content-Length` before it is read, or as soon as it grows past the limit).
    func readBody(_ request: Request) async throws -> [UInt8] {
        let limit = limits.maximumBodyBytes
        let tooLarge = Problem.tooLarge(
            "body-too-large", "the request body is larger than \(limit) bytes, the service's limit", limit: limit)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    /// A 200 response of `value` as canonical JSON (RFC 8785, as `--json` prints it) and a newline.
    static func json(_ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var bytes = CanonicalJSON.encode(value)
        bytes.append(UInt8(ascii: "\n"))
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
