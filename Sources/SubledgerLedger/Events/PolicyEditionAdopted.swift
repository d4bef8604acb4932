public import SubledgerStore

/// `PolicyEditionAdopted` (POL-3): an edition of the directive, as its JSON file, became
/// known to the ledger at the fact's `occurredAt`; it is in force from its own
/// `effectiveDate` (POL-1). The one stream of these facts is the policy
/// ``LedgerStream/policyName``. The file is kept as given (hashed as given); its parameters
/// are resolved against the editions known when it was adopted (its `basedOn`).
public struct PolicyEditionAdopted: Hashable, Sendable {
    /// The edition file: `id`, `effectiveDate`, optional `basedOn` and `source`, and any
    /// parameter of `docs/rules-as-data.md`.
    public var edition: JSONObject

    /// - Parameter edition: the edition file, as one JSON object; checked when the fact is decoded or recorded.
    public init(edition: JSONObject) {
        self.edition = edition
    }

    /// The edition file read from JSON text (one object).
    /// - Parameter jsonText: the edition file's text.
    /// - Throws: ``PolicyEditionError`` when the text is not JSON (`invalidJSON`, its path) or is not an object
    ///   (`wrongType`).
    public init(jsonText: String) throws(PolicyEditionError) {
        let bytes = Array(jsonText.utf8)
        let parsed = bytes.withUnsafeBytes { buffer -> Result<JSONValue, JSONParseError> in
            do throws(JSONParseError) { return .success(try JSONParser.parse(bytes: buffer)) } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .success(.object(let object)): self.init(edition: object)
        case .success(let other):
            throw PolicyEditionError(field: "", reason: .wrongType(expected: "object", found: other.typeName))
        case .failure(let error): throw PolicyEditionError(field: error.path, reason: .invalidJSON(error.description))
        }
    }

    /// The edition's id (`nil` when the file has none, which `checkContent()` refuses).
    public var editionID: String? {
        if case .string(let id)? = edition["id"] { return id }
        return nil
    }

    /// The id of the edition whose parameters it keeps where it sets none (default `2021`).
    public var basedOn: String {
        if case .string(let id)? = edition["basedOn"] { return id }
        return PolicyEdition.edition2021.id
    }

    /// What the file says on its own: an `id`, an `effectiveDate`, only known parameters of
    /// the right types (checked over the edition 2021, as a stand-in for its base). Its
    /// `basedOn` is resolved when it is recorded, against the editions known then.
    func checkContent() throws(FactError) {
        // Bounded as every fact's text and lists are (FactLimits): the free text, the regions.
        if case .string(let source)? = edition["source"] { try FactCheck.text(source, field: "data.edition.source") }
        for key in ["noDepositFixedThresholdRials", "noDepositMobileThresholdRials"] {
            if case .object(let regions)? = edition[key] {
                try FactCheck.count(regions.count, field: "data.edition.\(key)", maximum: FactLimits.itemsMaximumCount)
            }
        }
        do {
            _ = try PolicyEdition(file: edition, base: .edition2021, checkingBase: false)
        } catch {
            throw error.asFactError(prefix: "data.edition")
        }
    }
}

extension PolicyEditionError {
    /// This refusal as a fact's, its field under `prefix` (`data.edition.noticeTriggerPercent`).
    func asFactError(prefix: String) -> FactError {
        FactError(field: field.isEmpty ? prefix : "\(prefix).\(field)", reason: reason.description)
    }
}

extension FactCheck {
    /// A short code (a line's region, POL-3): 1 to 64 letters, digits, `.`, `_` or `-`.
    static func code(_ text: String, field: String) throws(FactError) {
        do { try PolicyEdition.validateIdentifier(text, field: field) } catch {
            throw FactError(
                field: field,
                reason: "\"\(text.prefix(80))\" is not a code: use 1 to 64 letters, digits, '.', '_' or '-'")
        }
    }

    /// The policy stream's name: the ledger knows one policy, ``LedgerStream/policyName``.
    static func policyName(_ name: String, field: String) throws(FactError) {
        try identifier(name, field: field)
        guard name == LedgerStream.policyName else {
            throw FactError(
                field: field,
                reason:
                    "\"\(name.prefix(80))\" is not a policy of the ledger: editions are adopted in the policy \"\(LedgerStream.policyName)\""
            )
        }
    }
}
