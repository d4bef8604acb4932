import SubledgerStore

/// What a check of an export file found: the result of `tools/verify_export.py`, field for
/// field, printed the same way (`ok: ...` or `bad: position P (file line L): REASON`).
struct ExportVerification {
    var ok = true
    /// Events verified (before the failure, on failure).
    var events = 0
    var firstPosition: ExportPosition?
    var lastPosition: ExportPosition?
    /// The hash of the last verified event.
    var head: String?
    /// Gaps in positions (accepted with `--filtered` only).
    var gaps = 0
    var badPosition: ExportPosition?
    var badLine: Int?
    var reason: String?

    mutating func fail(_ position: ExportPosition?, line: Int?, _ reason: String) {
        ok = false
        badPosition = position
        badLine = line
        self.reason = reason
    }

    /// The line printed without `--json`.
    var text: String {
        if !ok {
            guard let badLine else { return "bad: " + (reason ?? "") }
            return "bad: position \(badPosition?.description ?? "?") (file line \(badLine)): \(reason ?? "")"
        }
        guard events > 0, let firstPosition, let lastPosition, let head else { return "ok: 0 events" }
        return "ok: \(events) events, positions \(firstPosition)..\(lastPosition), head \(head)"
    }

    /// The note printed on standard error when gaps were accepted.
    var gapNote: String? {
        guard ok, gaps > 0 else { return nil }
        return "note: \(gaps) gap\(gaps == 1 ? "" : "s") in positions; the chain was not checked across \(gaps == 1 ? "it" : "them")"
    }

    /// The `--json` document: {ok, events, firstBadPosition, line, reason, head,
    /// firstPosition, lastPosition, gaps}, in canonical JSON (positions may exceed 64 bits,
    /// so they are written as their digits).
    var json: String {
        func number(_ position: ExportPosition?) -> String { position?.description ?? "null" }
        func string(_ text: String?) -> String { text.map(ExportText.quoted) ?? "null" }
        let members = [
            ("events", "\(events)"), ("firstBadPosition", number(badPosition)), ("firstPosition", number(firstPosition)),
            ("gaps", "\(gaps)"), ("head", string(head)), ("lastPosition", number(lastPosition)),
            ("line", badLine.map { "\($0)" } ?? "null"), ("ok", ok ? "true" : "false"), ("reason", string(reason)),
        ]
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
