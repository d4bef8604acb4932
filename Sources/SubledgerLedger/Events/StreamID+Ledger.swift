public import SubledgerStore

/// The kinds of stream the ledger keeps (interchange.md): the store knows streams only by
/// category and id (issue 12, item 3); these names are the ledger's, each written once here.
extension StreamID {
    /// The member that names a line's stream.
    public static let lineCategory = "line"
    /// The member that names a subscriber's stream.
    public static let subscriberCategory = "subscriber"
    /// The member that names a policy's stream (POL-3).
    public static let policyCategory = "policy"

    /// A line's stream: its events under the member `line`, the id its E.164 number.
    /// - Parameter number: the line's E.164 number, as checked by ``LineNumber``.
    /// - Returns: the stream `line`/`number`.
    public static func line(_ number: String) -> StreamID { StreamID(category: lineCategory, id: number) }
    /// A subscriber's stream: its events under the member `subscriber`, the id the subscriber's.
    /// - Parameter id: the subscriber's id.
    /// - Returns: the stream `subscriber`/`id`.
    public static func subscriber(_ id: String) -> StreamID { StreamID(category: subscriberCategory, id: id) }
    /// A policy's stream: its `PolicyEditionAdopted` facts under the member `policy` (POL-3).
    /// - Parameter name: the policy's name, ``LedgerStream/policyName`` for the ledger's one policy.
    /// - Returns: the stream `policy`/`name`.
    public static func policy(_ name: String) -> StreamID { StreamID(category: policyCategory, id: name) }
}
