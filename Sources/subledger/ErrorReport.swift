import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// A failure as `--json` reports it on standard error: one JSON document,
/// `{"error": {"message": ..., "file": ..., "line": ..., "field": ..., "rule": ...}}`,
/// with the keys that apply (`line` is the 1-based input line), so that a caller reads the
/// place and the cause without parsing prose. `message` is the sentence the text output
/// prints after `Error: `.
struct ErrorReport: Equatable {
    var message: String
    var file: String?
    var line: Int?
    var field: String?
    var rule: String?

    /// The report of `error`, whose message people read is `message` (ArgumentParser's
    /// wording, for its own errors).
    init(_ error: any Error, message: String) {
        self.message = message
        if let failure = error as? CommandFailure {
            file = failure.file
            line = failure.line
            field = failure.field
            rule = failure.rule
        } else if let failure = error as? LedgerError {
            field = failure.field
            rule = failure.rule?.rawValue
        } else {
            field = Self.quotedOption(in: message)
        }
    }

    /// The option or argument a usage error of ArgumentParser quotes, as its name:
    /// `--at` from `The value '1402/13/01' is invalid for '--at <time>': ...`, `<line>`
    /// from `Missing expected argument '<line>'`; `nil` when it quotes none.
    static func quotedOption(in message: String) -> String? {
        for quoted in message.split(separator: "'", omittingEmptySubsequences: false).dropFirst().enumerated()
        where quoted.offset % 2 == 0 {
            let name = quoted.element.split(separator: " ").first.map(String.init) ?? ""
            if name.hasPrefix("--") || (name.hasPrefix("<") && name.hasSuffix(">")) { return name }
        }
        return nil
    }

    /// The document, canonical JSON.
    var json: JSONValue {
        var error: JSONObject = ["message": .string(message)]
        if let file { error["file"] = .string(file) }
        if let line { error["line"] = .integer(Int64(line)) }
        if let field { error["field"] = .string(field) }
        if let rule { error["rule"] = .string(rule) }
        return .object(["error": .object(error)])
    }

    /// Writes the document and a newline on standard error.
    func print() {
        var bytes = CanonicalJSON.encode(json)
        bytes.append(UInt8(ascii: "\n"))
        StandardError.write(String(decoding: bytes, as: UTF8.self))
    }
}

/// A command that has `--json`: its failures are reported as an ``ErrorReport`` when the
/// flag is given, usage errors included.
protocol JSONReportingCommand: ParsableCommand {}

extension ImportCommand: JSONReportingCommand {}
extension ApplyCommand: JSONReportingCommand {}
extension StatusCommand: JSONReportingCommand {}
extension ReplayCommand: JSONReportingCommand {}
extension AuditCommand: JSONReportingCommand {}
extension SettleCommand: JSONReportingCommand {}
extension DueCommand: JSONReportingCommand {}
extension VerifyCommand: JSONReportingCommand {}
extension RebuildCommand: JSONReportingCommand {}
extension DemoCommand: JSONReportingCommand {}
extension LinesCommand: JSONReportingCommand {}
extension PolicyAdoptCommand: JSONReportingCommand {}
extension PolicyListCommand: JSONReportingCommand {}

extension Subledger {
    /// Whether the command line asks a command that has `--json` for it: its first
    /// argument names the command, and `--json` comes before any `--`.
    static func asksForJSON(_ arguments: [String]) -> Bool {
        guard let name = arguments.first,
            var command = configuration.subcommands.first(where: { $0.configuration.commandName == name })
        else { return false }
        // A command group (`policy adopt`): its second argument names the command.
        if let subname = arguments.dropFirst().first,
            let nested = command.configuration.subcommands.first(where: { $0.configuration.commandName == subname })
        {
            command = nested
        }
        guard command is any JSONReportingCommand.Type else { return false }
        return arguments.prefix(while: { $0 != "--" }).contains("--json")
    }
}
