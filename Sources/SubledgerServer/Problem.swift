public import Hummingbird
public import SubledgerStore

/// An RFC 9457 problem document, the body of every failed request
/// (`application/problem+json`): `type` (`https://subledger.dev/problems/NAME`), `title`,
/// `status`, `detail`, and the members that say where and why (`field`, `index`, `line`,
/// `column`, `rule`, `policyEdition`, `stream`, `currentVersion`, `limit`, `scope`).
///
/// Thrown by a handler, it is the response (``response(from:context:)``).
public struct Problem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The response's status.
    public var status: HTTPResponse.Status
    /// The problem type's name: the last part of `type` (`version-conflict`).
    public var name: String
    /// The type's short, fixed summary.
    public var title: String
    /// What happened this time, naming what and where.
    public var detail: String
    /// The extension members (RFC 9457 §3.2).
    public var members: JSONObject
    /// Headers the response carries besides its content type (`WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    /// The URI prefix of every problem type.
    public static let typePrefix = "https://subledger.dev/problems/"

    /// A problem.
    /// - Parameters:
    ///   - status: the response's status.
    ///   - name: the type's name (`bad-json`).
    ///   - title: the type's fixed summary.
    ///   - detail: what happened, naming what and where.
    ///   - members: the extension members.
    public init(
        _ status: HTTPResponse.Status, name: String, title: String, detail: String, members: JSONObject = [:]
    ) {
        precondition(status.code >= 400 && status.code <= 599, "a problem is a client or server error")
        self.status = status
        self.name = name
        self.title = title
        self.detail = detail
        self.members = members
    }

    /// The document, as canonical JSON's object.
    public var json: JSONObject {
        var object: JSONObject = [
            "type": .string(Self.typePrefix + name), "title": .string(title),
            "status": .integer(Int64(status.code)), "detail": .string(detail),
        ]
        for member in members { object[member.key] = member.value }
        return object
    }

    /// `409 version-conflict: ...`, for logs.
    public var description: String { "\(status.code) \(name): \(detail)" }

    /// The response: the document with `Content-Type: application/problem+json`.
    /// - Parameters:
    ///   - request: the request that failed.
    ///   - context: its context.
    /// - Returns: the response.
    /// - Throws: nothing: the document always encodes (Hummingbird's protocol lets it throw).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        var bytes = CanonicalJSON.encode(.object(json))
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Problem {
    /// 400 `bad-parameter`: a query or path parameter is malformed.
    static func badParameter(_ field: String, _ reason: String) -> Problem {
        Problem(
            .badRequest, name: "bad-parameter", title: "A parameter is malformed",
            detail: "parameter \(field): \(reason)", members: ["field": .string(field)])
    }

    /// 401 `unauthorized`: no key, or a key the service does not know.
    static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, name: "unauthorized", title: "An API key is needed", detail: detail)
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"subledger\""
        return problem
    }

    /// 403 `forbidden`: the key lacks the endpoint's scope.
    static func forbidden(key: String, scope: APIScope) -> Problem {
        Problem(
            .forbidden, name: "forbidden", title: "The API key lacks the scope",
            detail: "the key \(key) does not have the scope \(scope.rawValue) that this endpoint needs",
            members: ["scope": .string(scope.rawValue)])
    }

    /// 413: the body or the batch is over `limit`.
    static func tooLarge(_ name: String, _ detail: String, limit: Int) -> Problem {
        Problem(
            .contentTooLarge, name: name, title: "The request is over a limit", detail: detail,
            members: ["limit": .integer(Int64(limit))])
    }

    /// 404 `not-found`: no such route, line or subscriber.
    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, name: "not-found", title: "Not found", detail: detail)
    }
}
