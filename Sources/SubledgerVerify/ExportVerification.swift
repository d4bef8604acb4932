import SubledgerStore

/// What a check of an export file found: the result of `tools/verify_export.py`, field for
/// field, printed the same way (`ok: ...` or `bad: position P (file line L): REASON`).
package struct ExportVerification {
    /// Whether the file verified.
    package var ok = true
    /// Events verified (before the failure, on failure).
    var events = 0
    var firstPosition: ExportPosition?
    /// The position of the last verified event.
    package var lastPosition: ExportPosition?
    /// The hash of the last verified event.
    package var head: String?
    /// Gaps in positions (accepted with `--filtered` only).
    var gaps = 0
    /// Stream versions skipped across a gap in positions (accepted with `--filtered` only;
    /// ``StreamVersions``).
    var versionGaps = 0
    /// Disclosures checked against their commitments (`export --disclose`; Python's
    /// `disclosures`, in `--json` only when some were).
    var disclosures = 0
    var badPosition: ExportPosition?
    var badLine: Int?
    var reason: String?
    /// The column at fault (a CSV export's amount column, or its `data` cell), if one is.
    var column: String?
    /// What ``badLine`` counts: `file line` (JSON Lines) or `row` (CSV, the header row 1).
    var lineLabel = "file line"

    /// Records the fault that makes the file bad.
    /// - Parameters:
    ///   - position: The position at fault, when it is known.
    ///   - line: The file line (or CSV row) at fault.
    ///   - reason: What is wrong, in `tools/verify_export.py`'s words.
    package mutating func fail(_ position: ExportPosition?, line: Int?, _ reason: String) {
        ok = false
        badPosition = position
        badLine = line
        self.reason = reason
    }

    /// The line printed without `--json`.
    package var text: String {
        if !ok {
            guard let badLine else { return "bad: " + (reason ?? "") }
            let columnText = column.map { ", column \($0)" } ?? ""
            return
                "bad: position \(badPosition?.description ?? "?") (\(lineLabel) \(badLine)\(columnText)): \(reason ?? "")"
        }
        guard events > 0, let firstPosition, let lastPosition, let head else { return Self.emptyText }
        return "ok: \(events) events, positions \(firstPosition)..\(lastPosition), head \(head)"
    }

    /// What an empty file (or one of empty lines only) verifies as: nothing in it is wrong,
    /// so the exit status is 0 without `--anchor`, but it shows no event and no head.
    static let emptyText = "0 events: an empty file proves nothing"

    /// Whether the file held no event at all (only an anchor can fail such a file).
    var isEmpty: Bool { events == 0 && (ok || badLine == nil) }

    /// The notes printed on standard error after a good verdict: what was accepted but not
    /// checked (gaps in positions, versions skipped across them).
    package var gapNote: String? {
        guard ok else { return nil }
        var notes: [String] = []
        if gaps > 0 {
            notes.append(
                "note: \(gaps) gap\(gaps == 1 ? "" : "s") in positions; the chain was not checked across \(gaps == 1 ? "it" : "them")"
            )
        }
        if versionGaps > 0 {
            notes.append(
                "note: stream versions skip across a gap in positions \(versionGaps) time\(versionGaps == 1 ? "" : "s") (a time-range export may skip; an export of whole streams may not: check it with --complete-streams)"
            )
        }
        if disclosures > 0 {
            let one = disclosures == 1
            notes.append(
                "note: \(disclosures) disclosure\(one ? "" : "s") checked against \(one ? "its" : "their") commitment\(one ? "" : "s")"
            )
        }
        return notes.isEmpty ? nil : notes.joined(separator: "\n")
    }

    /// The `--json` document: {ok, events, firstBadPosition, line, reason, head,
    /// firstPosition, lastPosition, gaps, versionGaps, empty}, and `disclosures` when the
    /// file had some, in canonical JSON (positions
    /// may exceed 64 bits, so they are written as their digits). `empty` is true when the
    /// file holds no event: then `ok` only says that nothing in it is wrong.
    package var json: String {
        func number(_ position: ExportPosition?) -> String { position?.description ?? "null" }
        func string(_ text: String?) -> String { text.map(ExportText.quoted) ?? "null" }
        var members = [
            ("column", string(column)), ("empty", isEmpty ? "true" : "false"),
            ("events", "\(events)"), ("firstBadPosition", number(badPosition)),
            ("firstPosition", number(firstPosition)),
            ("gaps", "\(gaps)"), ("head", string(head)), ("lastPosition", number(lastPosition)),
            ("line", badLine.map { "\($0)" } ?? "null"), ("ok", ok ? "true" : "false"), ("reason", string(reason)),
            ("versionGaps", "\(versionGaps)"),
        ]
        // Only when the file had some, as Python prints it (code-point order: after `column`).
        if disclosures > 0 { members.insert(("disclosures", "\(disclosures)"), at: 1) }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
