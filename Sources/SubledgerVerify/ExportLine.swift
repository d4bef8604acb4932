import SubledgerStore

/// One line of an export, read as `tools/verify_export.py` reads it (its step 1).
enum ExportLine {
    /// Only JSON white space: allowed at the end of the file only.
    case blank
    /// A JSON object.
    case event(ExportObject)
    /// Not an event: why, and the line's top-level `position` when Python can still name it.
    case bad(position: ExportPosition?, reason: String)

    /// Reads `bytes`, one line without its `\n` (`endsWithNewline` tells whether it had one).
    static func read(
        _ bytes: UnsafeRawBufferPointer, endsWithNewline: Bool,
        scan: ExportFileReading.Scan = .notScanned
    ) -> ExportLine {
        // A line in canonical form (as export writes every line) is read where it lies.
        switch scan {
        case .notScanned:
            if let line = CanonicalLine.scan(bytes) { return .event(.canonical(line)) }
        case .notCanonical:
            break
        case .canonical(let layout, let hashVerdict):
            return .event(.canonical(CanonicalLine(bytes: bytes, layout: layout, hashVerdict: hashVerdict)))
        }
        // The strict parser accepts a subset of what Python reads (all of it UTF-8: bytes
        // beyond ASCII only inside strings, which it validates), and reads it the same.
        if let value = try? JSONParser.parse(bytes: bytes) {
            guard case .object(let object) = value else { return .bad(position: nil, reason: "not a JSON object") }
            return .event(.strict(object))
        }
        if let invalid = UTF8Check.firstInvalidByte(in: bytes) {
            return .bad(position: nil, reason: "invalid UTF-8 at byte \(invalid + 1)")
        }
        let outcome = LenientJSONParser.read(bytes, endsWithNewline: endsWithNewline)
        if let refusal = outcome.refusal {
            return .bad(position: outcome.value.flatMap(salvagedPosition), reason: refusal)
        }
        if let malformation = outcome.malformation {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .blank }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                return .bad(position: nil, reason: "malformed JSON: starts with a byte order mark")
            }
            return .bad(position: nil, reason: "malformed JSON: \(malformation)")
        }
        guard case .object(let members)? = outcome.value else {
            return .bad(position: nil, reason: "not a JSON object")
        }
        return .event(.lenient(members))
    }

    /// Python's `json.dumps` of the top-level member `key` of the object on the line (for
    /// messages: members in their written order, non-ASCII escaped).
    static func display(_ key: String, in bytes: UnsafeRawBufferPointer, endsWithNewline: Bool) -> String {
        LenientJSONParser.read(bytes, endsWithNewline: endsWithNewline).value?.member(key)?.pythonJSON ?? "null"
    }

    /// The top-level `position` of a line refused for its content, when unambiguous
    /// (Python's `_salvage_position`): exactly one such member, a positive integer.
    private static func salvagedPosition(_ value: LenientJSONValue) -> ExportPosition? {
        guard case .object(let members) = value else { return nil }
        let positions = members.filter { $0.key == LenientString("position") }
        guard positions.count == 1 else { return nil }
        return positions[0].value.positiveInteger
    }
}
