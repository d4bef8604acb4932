public import SubledgerStore

extension LedgerFact {
    /// Reads the store-assigned fields an input line may carry (an export's line, imported
    /// as it is: interchange.md, "Personal data"): `position` and `streamVersion` as whole
    /// numbers from 1, `prevHash`, `streamPrevHash` and `hash` as 64 lowercase hex digits.
    /// `nil` when none is given. Whether they are accepted at all is the mode's to say
    /// (`import` only, ``FactStreamValidator``); whether they are right, the store's
    /// (``AssignedFields/check(against:of:)``).
    static func assignedFields(of object: JSONObject) throws(FactError) -> AssignedFields? {
        guard storeAssignedFields.contains(where: { object[$0] != nil }) else { return nil }
        func count(_ field: String) throws(FactError) -> UInt64? {
            guard let value = object[field] else { return nil }
            guard case .integer(let integer) = value, integer >= 1 else {
                throw FactError(
                    field: field,
                    reason:
                        "must be a whole number from 1, as the store assigns it, not \(value.typeName == "integer" ? "\(value)" : value.typeName)"
                )
            }
            return UInt64(integer)
        }
        func hash(_ field: String) throws(FactError) -> ChainHash? {
            guard let value = object[field] else { return nil }
            guard case .string(let text) = value, let hash = ChainHash(hex: text) else {
                throw FactError(field: field, reason: "must be 64 lowercase hex digits, as the store assigns it")
            }
            return hash
        }
        return AssignedFields(
            position: try count("position"), streamVersion: try count("streamVersion"),
            previousHash: try hash("prevHash"), streamPreviousHash: try hash("streamPrevHash"),
            hash: try hash("hash"))
    }

    /// The refusal of store-assigned fields where the input may not give them (`apply`).
    static func assignedFieldsRefused(_ assigned: AssignedFields) -> FactError {
        let given: [(String, Bool)] = [
            ("position", assigned.position != nil), ("streamVersion", assigned.streamVersion != nil),
            ("prevHash", assigned.previousHash != nil), ("streamPrevHash", assigned.streamPreviousHash != nil),
            ("hash", assigned.hash != nil),
        ]
        let field = given.first { $0.1 }?.0 ?? "position"
        return FactError(
            field: field,
            reason:
                "is not an input field of apply: the store assigns it (position, streamVersion, prevHash, hash, streamPrevHash); only import takes an export's lines as they are"
        )
    }
}
