import Hummingbird
import SubledgerLedger
import SubledgerStore

/// The body of `POST /v1/facts` and `POST /v1/actions`, read and checked:
/// `{"facts": [FACT, ...], "expectedVersions": [{"line": "+98...", "version": 3}, ...]}`.
///
/// Malformed JSON is 400 `bad-json` with the body's line and column; a body of another shape
/// 400 `bad-request` with its field; more facts than the limit 413 `batch-too-large`; a fact
/// that cannot be one 422 `bad-fact` with `facts[INDEX].FIELD`. Each fact is recorded with
/// the caller's key name as `metadata.actor` (a fact naming another actor is refused).
struct AppendRequest: Sendable {
    /// What the request is for: facts as they are, or actions judged by the rules.
    enum Purpose: Sendable { case record, apply }

    var facts: [LedgerFact]
    var expected: [StreamID: UInt64]

    /// Reads `body` for `purpose`, the facts' actor being `actor`.
    static func parse(
        _ body: [UInt8], purpose: Purpose, actor: String, limits: ServiceLimits
    ) throws(Problem) -> AppendRequest {
        let parsed = body.withUnsafeBytes { bytes -> Result<JSONValue, JSONParseError> in
            do throws(JSONParseError) { return .success(try JSONParser.parse(bytes: bytes)) } catch {
                return .failure(error)
            }
        }
        let value: JSONValue
        switch parsed {
        case .success(let parsedValue): value = parsedValue
        case .failure(let error): throw badJSON(error, in: body)
        }
        guard case .object(let object) = value else { throw shape("", "the body must be a JSON object") }
        for member in object where member.key != "facts" && member.key != "expectedVersions" {
            throw shape(member.key, "unknown member (the body has facts and expectedVersions)")
        }
        guard case .array(let items)? = object["facts"] else {
            throw shape("facts", object["facts"] == nil ? "missing" : "must be an array of facts")
        }
        guard !items.isEmpty else { throw shape("facts", "holds no fact: give at least one") }
        guard items.count <= limits.maximumFactsPerRequest else {
            throw Problem.tooLarge(
                "batch-too-large",
                "the request holds \(items.count) facts, more than the \(limits.maximumFactsPerRequest) of one request",
                limit: limits.maximumFactsPerRequest)
        }
        var facts: [LedgerFact] = []
        facts.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            facts.append(try fact(item, index: index, purpose: purpose, actor: actor))
        }
        return AppendRequest(facts: facts, expected: try expectedVersions(object["expectedVersions"]))
    }

    /// One item of `facts` as a fact, with `metadata.actor` set.
    private static func fact(_ item: JSONValue, index: Int, purpose: Purpose, actor: String) throws(Problem)
        -> LedgerFact
    {
        guard case .object(let object) = item else { throw refused(index, "", "must be a JSON object (one fact)") }
        var fact: LedgerFact
        do { fact = try LedgerFact(input: object) } catch { throw refused(index, error.field, error.reason) }
        if purpose == .apply, fact.recordedAt != nil {
            throw refused(
                index, "recordedAt",
                "only /v1/facts accepts recordedAt (to migrate history); an action is recorded at the time it is")
        }
        if let given = fact.metadata["actor"], given != actor {
            throw refused(
                index, "metadata.actor",
                "is \"\(given)\", but the request's key is \(actor): the actor of a request is its key's name")
        }
        fact.metadata["actor"] = actor
        return fact
    }

    /// `expectedVersions`: each item names one stream (`line`, `subscriber` or `policy`) and its `version`.
    private static func expectedVersions(_ value: JSONValue?) throws(Problem) -> [StreamID: UInt64] {
        guard let value else { return [:] }
        guard case .array(let items) = value else { throw shape("expectedVersions", "must be an array") }
        var expected: [StreamID: UInt64] = [:]
        for (index, item) in items.enumerated() {
            let path = "expectedVersions[\(index)]"
            guard case .object(let object) = item else { throw shape(path, "must be an object") }
            guard case .integer(let version)? = object["version"], version >= 0 else {
                throw shape("\(path).version", "must be a whole number, 0 or more (0: the stream has no event yet)")
            }
            let named = object.map(\.key).filter { $0 != "version" }
            guard named.count == 1, let category = named.first else {
                throw shape(path, "must name exactly one stream: line, subscriber or policy")
            }
            let stream = try stream(category, object[category], path: "\(path).\(category)")
            guard expected.updateValue(UInt64(version), forKey: stream) == nil else {
                throw shape(path, "names \(stream) a second time")
            }
        }
        return expected
    }

    private static func stream(_ category: String, _ value: JSONValue?, path: String) throws(Problem) -> StreamID {
        guard case .string(let text)? = value else { throw shape(path, "must be a string") }
        do throws(FactError) {
            switch category {
            case "line": return .line(try LineNumber(text, field: path).text)
            case "subscriber": return .subscriber(try SubscriberID(text, field: path).text)
            case "policy" where !text.isEmpty && text.utf8.count <= 128: return .policy(text)
            default: throw FactError(field: path, reason: "is not a stream: name a line, subscriber or policy")
            }
        } catch {
            throw shape(error.field, error.reason)
        }
    }

    /// 400 `bad-json`, with the 1-based line and column (bytes) of the body where the parser stopped.
    static func badJSON(_ error: JSONParseError, in body: [UInt8]) -> Problem {
        let offset = min(max(error.column - 1, 0), body.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where body[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = offset - lineStart + 1
        var members: JSONObject = ["line": .integer(Int64(line)), "column": .integer(Int64(column))]
        if !error.path.isEmpty { members["field"] = .string(error.path) }
        return Problem(
            .badRequest, name: "bad-json", title: "The body is not JSON the ledger reads",
            detail: "malformed JSON at line \(line), column \(column)"
                + (error.path.isEmpty ? "" : ", field \(error.path)") + ": \(error.reason)",
            members: members)
    }

    private static func shape(_ field: String, _ reason: String) -> Problem {
        Problem(
            .badRequest, name: "bad-request", title: "The body is not of the request's shape",
            detail: field.isEmpty ? reason : "field \(field): \(reason)", members: ["field": .string(field)])
    }

    private static func refused(_ index: Int, _ field: String, _ reason: String) -> Problem {
        let qualified = Problem.qualified(field, index: index, prefix: "facts")
        return Problem(
            .unprocessableContent, name: "bad-fact", title: "A fact cannot be recorded",
            detail: "fact \(index + 1): field \(qualified): \(reason)",
            members: ["field": .string(qualified), "index": .integer(Int64(index))])
    }
}
