import HTTPTypes
import Hummingbird
import Logging
import SubledgerLedger
import SubledgerStore

/// Turns every failure into an RFC 9457 problem (a ``Problem`` thrown as it is, a
/// ``LedgerError`` by its code, Hummingbird's own errors by their status, anything else
/// 500), logs it, and records each request's latency under its route.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let metrics: ServiceMetrics
    /// The served paths (as the document writes them) and their methods, to tell a path of
    /// another method (405 with `Allow`) from no path at all (404).
    let methodsByPath: [String: [HTTPRequest.Method]]

    @concurrent func handle(
        _ request: Request, context: ServiceRequestContext,
        next: @concurrent (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = try problem.response(from: request, context: context)  // logged by its endpoint
        } catch let error as any HTTPResponseError where error.status == .notFound {
            response = try unrouted(request).response(from: request, context: context)
        } catch {
            response = try Self.logged(error, context: context).response(from: request, context: context)
        }
        // The router fills the endpoint's path in (a shared box) once it matched one.
        let route = context.endpointPath ?? "unrouted"
        metrics.request(route: route, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }

    /// 405 with `Allow` when the path is served with other methods, 404 otherwise.
    private func unrouted(_ request: Request) -> Problem {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = methodsByPath.filter { path, _ in
            let pattern = path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.values.flatMap { $0 }
        guard !allowed.isEmpty else { return .notFound("no such endpoint (docs/openapi.yaml lists them)") }
        var problem = Problem(
            .methodNotAllowed, name: "method-not-allowed", title: "The path does not take this method",
            detail: "\(request.method) is not served at \(request.uri.path): "
                + allowed.map(\.rawValue).sorted().joined(separator: ", ") + " is")
        problem.headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        return problem
    }

    /// The problem of `error`, logged with the caller's key (`info` for a refusal, `error` for
    /// the service's own failure).
    static func logged(_ error: any Error, context: ServiceRequestContext) -> Problem {
        let problem = problem(of: error)
        let level: Logger.Level = problem.status.code >= 500 ? .error : .info
        context.logger.log(
            level: level, "refused: \(problem.detail)",
            metadata: [
                "problem": .string(problem.name), "status": .stringConvertible(problem.status.code),
                "key": .string(context.caller?.name ?? "-"),
            ])
        return problem
    }

    /// The problem document of `error`.
    static func problem(of error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let error as LedgerError: return .of(error)
        case let error as EventStoreError: return .of(error)
        case let error as any HTTPResponseError:
            if error.status == .notFound { return .notFound("no such endpoint (docs/openapi.yaml lists them)") }
            return Problem(
                error.status.code >= 400 ? error.status : .internalServerError, name: "http",
                title: error.status.reasonPhrase, detail: "\(error)")
        default:
            return Problem(.internalServerError, name: "internal", title: "The service failed", detail: "\(error)")
        }
    }
}
