import Hummingbird

/// Who may call: the bearer key of each request (`Authorization: Bearer SECRET`), looked up
/// by its SHA-256 in the key file, and the scope the endpoint needs.
struct Access: Sendable {
    let keys: APIKeyFile

    /// The key of `request` when it holds `scope`.
    /// - Throws: ``Problem`` 401 without a key or with an unknown one, 403 without the scope.
    func authorize(_ request: Request, scope: APIScope) throws(Problem) -> APIKey {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("no API key: send Authorization: Bearer KEY")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw Problem.unauthorized("the Authorization header is not Bearer KEY")
        }
        guard let key = keys.key(forSecret: String(parts[1])) else {
            throw Problem.unauthorized("the API key is not one of the service's keys")
        }
        guard key.allows(scope) else { throw Problem.forbidden(key: key.name, scope: scope) }
        return key
    }
}
