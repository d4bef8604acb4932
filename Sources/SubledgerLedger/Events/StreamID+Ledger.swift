public import SubledgerStore

/// The kinds of stream the ledger keeps (interchange.md): the store knows streams only by
/// category and id (issue 12, item 3); these names are the ledger's.
extension StreamID {
    /// A line's stream: its events under the member `line`, the id its E.164 number.
    public static func line(_ number: String) -> StreamID { StreamID(category: "line", id: number) }
    /// A subscriber's stream: its events under the member `subscriber`, the id the subscriber's.
    public static func subscriber(_ id: String) -> StreamID { StreamID(category: "subscriber", id: id) }
}
