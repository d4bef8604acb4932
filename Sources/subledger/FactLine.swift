import SubledgerLedger
import SubledgerStore

/// One line of an input file: parsed, read as a fact, and every refusal worded with the
/// file, the line and the field (`events.jsonl:14: field data.amount: must not be negative (-5)`).
enum FactLine {
    /// Whether the line holds only spaces, tabs or a carriage return (skipped).
    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// The fact on the line, or a failure naming `location`, the field and the reason.
    static func fact(from bytes: UnsafeRawBufferPointer, at location: String) throws(CommandFailure) -> LedgerFact {
        try fact(from: bytes) { message, field in CommandFailure("\(location): \(message)", field: field) }
    }

    /// The fact on line `line` of the input `name`, or a failure naming `name:line`, the
    /// field and the reason.
    static func fact(from bytes: UnsafeRawBufferPointer, name: String, line: Int) throws(CommandFailure) -> LedgerFact {
        try fact(from: bytes) { message, field in CommandFailure(file: name, line: line, field: field, message) }
    }

    /// The fact on the line; `failure` words a refusal from its message and field (the
    /// place is worded only for a failure).
    private static func fact(
        from bytes: UnsafeRawBufferPointer,
        failure: (_ message: String, _ field: String?) -> CommandFailure
    ) throws(CommandFailure) -> LedgerFact {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes)
        } catch {
            throw failure(describe(error), error.path.isEmpty ? nil : error.path)
        }
        guard case .object(let object) = value else {
            throw failure("not a JSON object but \(article(value.typeName)) \(value.typeName): one event per line", nil)
        }
        do {
            return try LedgerFact(input: object)
        } catch {
            throw failure(error.description, error.field.isEmpty ? nil : error.field)
        }
    }

    /// A refusal of the ledger for the fact on line `line` of the input `file`, with the
    /// field or the rule at fault.
    static func refusal(_ error: LedgerError, of fact: LedgerFact, file: String, line: Int) -> CommandFailure {
        // A rule's refusal names the fact's type and stream; every other error says itself.
        let message =
            if let violation = error.violation {
                "refused by \(violation) (\(fact.event.type.rawValue) on \(fact.stream))"
            } else {
                error.at(index: nil).description
            }
        return CommandFailure(error, file: file, line: line, message: message)
    }

    /// `malformed JSON: ...`, or `field data.amount: ...` for a value the format refuses
    /// (a number beyond 64 bits or with a fraction), with the column.
    private static func describe(_ error: JSONParseError) -> String {
        let isAboutAValue = error.reason.contains("number")
        let problem = isAboutAValue ? error.reason : "malformed JSON: \(error.reason)"
        return error.path.isEmpty
            ? "\(problem) (column \(error.column))"
            : "field \(error.path): \(problem) (column \(error.column))"
    }

    private static func article(_ word: String) -> String {
        ["a", "e", "i", "o", "u"].contains(word.first.map(String.init) ?? "") ? "an" : "a"
    }
}
