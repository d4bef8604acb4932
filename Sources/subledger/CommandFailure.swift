import SubledgerLedger

/// A failure reported on standard error with a non-zero exit: the sentence people read
/// and, where they apply, where it is (the input file and line) and what it is about (the
/// field, the rule), which `--json` reports as keys of their own (``ErrorReport``).
struct CommandFailure: Error, CustomStringConvertible {
    /// The whole message, its place first: `events.jsonl:14: field data.amount: must not
    /// be negative (-5)`.
    var description: String
    /// The input file (as given, or `stdin`).
    var file: String?
    /// The 1-based line of ``file``.
    var line: Int?
    /// The field at fault, as a path: `data.items[1].amount`.
    var field: String?
    /// The rule that refused, such as `CUT-1`.
    var rule: String?

    /// A failure worded whole: `no store at PATH: ...`, or `cannot read FILE: ...` with
    /// the `file` it is about.
    init(_ description: String, file: String? = nil, field: String? = nil, rule: String? = nil) {
        self.description = description
        self.file = file
        self.field = field
        self.rule = rule
    }

    /// A failure about line `line` of the input `file` (or the whole file without a line):
    /// the message is written after `file:line: `.
    init(file: String, line: Int? = nil, field: String? = nil, rule: String? = nil, _ message: String) {
        description = (line.map { "\(file):\($0)" } ?? file) + ": " + message
        self.file = file
        self.line = line
        self.field = field
        self.rule = rule
    }

    /// The ledger's refusal, with its field or its rule.
    init(_ error: LedgerError) {
        self.init(error.description, field: error.field, rule: error.rule?.rawValue)
    }

    /// The ledger's refusal of a fact read from line `line` of `file`, with its field or rule.
    init(_ error: LedgerError, file: String, line: Int, message: String) {
        self.init(file: file, line: line, field: error.field, rule: error.rule?.rawValue, message)
    }
}
