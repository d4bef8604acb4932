/// What an API key may do; each endpoint needs one scope (`x-scope` in docs/openapi.yaml).
public enum APIScope: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Read the log, streams, states, the audit, the work list, proofs, health and metrics.
    case read
    /// Record facts as they are (`import`).
    case record
    /// Record the operator's actions, judged by the rules (`apply`).
    case apply
    /// Crypto-shred personal data (`erase`).
    case erase
    /// Everything, and what only an operator of the service does (checkpoints).
    case admin

    /// Scopes sort in their declared order (read first), as a key file lists them.
    /// - Parameters:
    ///   - left: a scope.
    ///   - right: another.
    /// - Returns: whether `left` is declared before `right`.
    public static func < (left: APIScope, right: APIScope) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
}

/// One API key as the service knows it: its name, its scopes, and only the SHA-256 of its secret.
public struct APIKey: Sendable, Hashable {
    /// The key's name, written into each event it records as `metadata.actor`.
    public var name: String
    /// What the key may do; ``APIScope/admin`` holds every scope.
    public var scopes: Set<APIScope>
    /// The lowercase hex SHA-256 of the secret's UTF-8 bytes.
    public var secretSHA256: String

    /// A key of the key file.
    /// - Parameters:
    ///   - name: the key's name (its `metadata.actor`).
    ///   - scopes: what it may do.
    ///   - secretSHA256: the lowercase hex SHA-256 of its secret.
    public init(name: String, scopes: Set<APIScope>, secretSHA256: String) {
        self.name = name
        self.scopes = scopes
        self.secretSHA256 = secretSHA256
    }

    /// Whether the key may act within `scope` (an admin key may do everything).
    /// - Parameters:
    ///   - scope: the endpoint's scope.
    /// - Returns: `true` when the key holds `scope` or ``APIScope/admin``.
    public func allows(_ scope: APIScope) -> Bool {
        scopes.contains(scope) || scopes.contains(.admin)
    }
}
