import Foundation
import Hummingbird
import SubledgerLedger
import SubledgerStore

extension LedgerService {
    /// `GET /health`: `{"status": "ok", "head": N}`, the log's head read in a read transaction.
    func health(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let store = ledger.store
        let head = try await Blocking.run { try store.head().position }
        return Self.json(.object(["status": "ok", "head": .integer(Int64(head))]))
    }

    /// `GET /metrics`: the Prometheus exposition, with the store's size and head read now.
    func metricsText(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let store = ledger.store
        let head = try await Blocking.run { try store.head().position }
        var size: Int64 = 0
        if let storePath {
            let attributes = try? FileManager.default.attributesOfItem(atPath: storePath + "/data.mdb")
            size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        }
        metrics.observe(storeSizeBytes: size, head: head)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    /// `GET /v1/lines/{line}/status`: as `status LINE --json`, with `asOf` and `knownAt`.
    func status(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let (line, view, ledger) = (try parameters.line(), try parameters.view(), self.ledger)
        let report = try await Blocking.run { try ledger.status(of: line, view: view) }
        return Self.json(.object(report.json))
    }

    /// `GET /v1/lines/{line}/replay`: as `replay LINE --json`.
    func replay(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        let (line, view, ledger) = (try parameters.line(), try parameters.view(), self.ledger)
        let replay = try await Blocking.run { try ledger.replay(of: line, view: view) }
        guard !replay.entries.isEmpty else { throw Problem.notFound("line \(line.text) has no event in that view") }
        return Self.json(replay.json(format: DisplayFormat(calendar: ledger.calendar)))
    }

    /// `GET /v1/lines/{line}/settlement`: as `settle LINE --json`.
    func settlement(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let line = try RequestParameters(request: request, context: context).line()
        let ledger = self.ledger
        let statement = try await Blocking.run { try ledger.settlement(of: line) }
        return Self.json(.object(statement.json))
    }

    /// `GET /v1/audit`: as `audit [--line LINE] --json`.
    func audit(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        var line: LineNumber?
        if let text = try parameters.text("line") {
            do { line = try LineNumber(text, field: "line") } catch { throw Problem.badParameter("line", error.reason) }
        }
        let ledger = self.ledger
        let findings = try await Blocking.run { [line] in try ledger.audit(line: line) }
        return Self.json(.array(findings.map { .object($0.json) }))
    }

    /// `GET /v1/due`: as `due [--at T] --json`.
    func due(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let time = try RequestParameters(request: request, context: context).time("at") ?? SystemClock().now()
        let ledger = self.ledger
        let entries = try await Blocking.run { try ledger.due(at: time) }
        return Self.json(.array(entries.map { .object($0.json) }))
    }
}
