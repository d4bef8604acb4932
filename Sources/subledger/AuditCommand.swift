import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger audit`: the rules the recorded history breaks, judged twice (interchange.md).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract:
            "Judge the recorded history by the rules: findings with rule, severity, line, position, occurredAt, message.",
        discussion: """
            Every operator action is judged under the policy edition in force at its time, by \
            what the ledger knew when it was recorded (a broken rule is a violation) and by what \
            had in fact occurred by then (an action shown wrong only by facts recorded later is a \
            warning under the same rule). The exit status is 0 whatever is found.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Audit only this line (E.164).", transform: LineArgument.parse) var line: String?
    @Flag(name: .long, help: "Print one JSON document: an array of findings.") var json = false

    func run() throws {
        let ledger = try store.openLedger()
        let findings: [Finding]
        do {
            findings = try ledger.audit(line: line.map(LineNumber.init(stored:)))
        } catch {
            throw CommandFailure(error)
        }
        if json {
            JSONOutput.print(.array(findings.map { .object($0.json) }))
            return
        }
        let scope = line.map { "line \($0)" } ?? "the whole store"
        guard !findings.isEmpty else {
            print("no findings in \(scope)")
            return
        }
        let violations = findings.filter { $0.severity == .violation }.count
        print(
            "\(counted(findings.count, "finding")) in \(scope): \(counted(violations, "violation")), \(counted(findings.count - violations, "warning"))"
        )
        print("by rule:")
        var byRule = TextTable([.left, .left])
        for rule in Set(findings.map(\.rule)).sorted() {
            let ofRule = findings.filter { $0.rule == rule }
            let ruleViolations = ofRule.filter { $0.severity == .violation }.count
            var parts: [String] = []
            if ruleViolations > 0 { parts.append(counted(ruleViolations, "violation")) }
            if ofRule.count > ruleViolations { parts.append(counted(ofRule.count - ruleViolations, "warning")) }
            byRule.add(rule.rawValue, parts.joined(separator: ", "))
        }
        print(byRule.rendered(indent: "  "))
        print("findings:")
        // People read Tehran time with both dates (TIME-1), in the messages too; `--json`
        // keeps UTC RFC 3339.
        let format = DisplayFormat(calendar: ledger.calendar)
        var table = TextTable([.left, .left, .left, .left, .right, .left, .left])
        for finding in findings {
            table.add(
                finding.severity.rawValue, finding.rule.rawValue, "edition \(finding.edition)", finding.line,
                "position \(finding.position)", format.time(finding.occurredAt), format.humanize(finding.message))
        }
        print(table.rendered(indent: "  "))
    }

    private func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
