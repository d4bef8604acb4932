/// What ``EventStore/verify()`` found.
public struct VerificationReport: Hashable, Sendable {
    /// Events checked and found good.
    public var verifiedCount: UInt64
    /// The last good position and its hash: an auditor keeps it to anchor the chain.
    public var headPosition: UInt64
    /// The hash of the last good event (``ChainHash/zero`` when none is good).
    public var headHash: ChainHash
    /// The first bad position and why, or `nil` when the whole log is good.
    public var firstBadPosition: UInt64?
    /// The message of the first problem, or `nil`.
    public var problem: String?

    /// Whether the whole log is good (no ``firstBadPosition``).
    public var isValid: Bool { firstBadPosition == nil }
}
