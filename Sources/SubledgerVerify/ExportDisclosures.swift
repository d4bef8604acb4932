import SubledgerStore

/// Step 3b of `tools/verify_export.py` (its `_disclosure_problem`): the `disclosures` of
/// an event of `export --disclose` open the commitments the event holds. Each key is a
/// path (`data.name`) to a member `{"commitment": HEX}`, each value `{"salt": HEX,
/// "value": TEXT}`, and SHA-256(the salt's 32 bytes + the value's UTF-8) must be HEX.
///
/// The line is read as Python reads it (``LenientJSONParser``), so that the disclosures
/// are tried in the order written and the first at fault is the one Python names. A
/// reason names the path only, never the value or the salt: the value is personal data.
enum ExportDisclosures {
    struct Problem: Error {
        var reason: String
    }

    /// The number of disclosures checked on the line (one that has `disclosures`, already
    /// read as an event), or why they do not open its commitments.
    static func check(_ bytes: UnsafeRawBufferPointer, endsWithNewline: Bool) -> Result<Int, Problem> {
        guard case .object(let members)? = LenientJSONParser.read(bytes, endsWithNewline: endsWithNewline).value else {
            preconditionFailure("a line read as an event is a JSON object")
        }
        // What Python's `obj` holds by then: `hash`, `prevHash` and `disclosures` popped.
        let popped = ["hash", "prevHash", "disclosures"].map(LenientString.init)
        let body = LenientJSONValue.object(members.filter { !popped.contains($0.key) })
        guard case .object(let disclosed)? = LenientJSONValue.object(members).member("disclosures") else {
            return .failure(Problem(reason: "disclosures is not a JSON object"))
        }
        for disclosure in disclosed {
            if let reason = problem(of: disclosure, in: body) { return .failure(Problem(reason: reason)) }
        }
        return .success(disclosed.count)
    }

    private static func problem(of disclosure: LenientMember, in body: LenientJSONValue) -> String? {
        let name = ExportText.short(ExportText.quoted(disclosure.key.text))
        var held: LenientJSONValue? = body
        for step in disclosure.key.codePoints.split(
            separator: UInt32(UInt8(ascii: ".")), omittingEmptySubsequences: false)
        {
            let key = LenientString(codePoints: Array(step))
            guard case .object(let members)? = held else { held = nil; break }
            held = members.first { $0.key == key }?.value
        }
        guard case .object(let commitmentMembers)? = held, commitmentMembers.count == 1,
            commitmentMembers[0].key == LenientString("commitment"),
            case .string(let commitment) = commitmentMembers[0].value, isHash(commitment)
        else { return "disclosure \(name): the event holds no commitment there ({\"commitment\": 64 lowercase hex})" }
        guard case .object(let opening) = disclosure.value, opening.count == 2,
            case .string(let salt)? = disclosure.value.member("salt"), isHash(salt),
            case .string(let value)? = disclosure.value.member("value")
        else { return "disclosure \(name) is not {\"salt\": 64 lowercase hex, \"value\": a string}" }
        guard !value.hasUnpairedSurrogate else {
            return "disclosure \(name): the value holds an unpaired surrogate (\\u escape)"
        }
        let opened = ChainHash.sha256(of: LowercaseHex.bytes(of: salt.text) + Array(value.text.utf8)).hex
        guard opened == commitment.text else {
            return "disclosure \(name) does not open its commitment (salt and value do not hash to it)"
        }
        return nil
    }

    /// Python's `_HEX64.fullmatch`: exactly 64 of `0-9a-f`.
    private static func isHash(_ string: LenientString) -> Bool {
        !string.hasUnpairedSurrogate && LowercaseHex.isHash(string.text)
    }
}
