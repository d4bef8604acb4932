public import SubledgerLedger
import SubledgerStore

/// A replay as a table a person reads in a terminal: one row per event with the state
/// after it, and under each operator action the rules that allowed (✔) or forbade (✘) it
/// and the audit's findings (⚠).
public struct ReplayText: Sendable {
    /// How times and amounts are written (TIME-1's times in Asia/Tehran, rials grouped).
    public var format: DisplayFormat

    /// A renderer that writes times and amounts as `format` does.
    /// - Parameter format: How times and amounts are written.
    public init(format: DisplayFormat = DisplayFormat()) {
        self.format = format
    }

    /// The header, the table and the findings. `entries` limits the rows shown (the
    /// demo's short replay); rows left out are counted.
    /// - Parameters:
    ///   - replay: The line's replay.
    ///   - range: The indices of the entries to show; `nil` shows them all.
    /// - Returns: The text, lines separated by newlines.
    public func render(_ replay: LineReplay, entries range: Range<Int>? = nil) -> String {
        var lines = header(replay)
        let shown = range.map { $0.clamped(to: 0..<replay.entries.count) } ?? 0..<replay.entries.count
        let columns = [
            "#", "occurred (Tehran)", "status", "debt", "threshold", "overdue", "deposit", "guarantee", "event",
        ]
        var rows: [[String]] = [columns]
        var details: [Int: [String]] = [:]
        for index in shown {
            let entry = replay.entries[index]
            rows.append(row(entry))
            details[rows.count - 1] = annotations(entry)
        }
        let widths = (0..<columns.count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let indent = String(repeating: " ", count: widths[0] + 2)
        if shown.lowerBound > 0 { lines.append("  … \(shown.lowerBound) earlier event(s) not shown") }
        for (rowIndex, row) in rows.enumerated() {
            var text = ""
            for (column, cell) in row.enumerated() {
                if column == columns.count - 1 {
                    text += cell
                } else if column == 1 || column == 2 {
                    text += cell + String(repeating: " ", count: widths[column] - cell.count) + "  "
                } else {
                    text += String(repeating: " ", count: widths[column] - cell.count) + cell + "  "
                }
            }
            lines.append(text)
            for detail in details[rowIndex] ?? [] { lines.append(indent + detail) }
        }
        if shown.upperBound < replay.entries.count {
            lines.append("  … \(replay.entries.count - shown.upperBound) later event(s) not shown")
        }
        lines.append("")
        lines += footer(replay)
        return lines.joined(separator: "\n")
    }

    func header(_ replay: LineReplay) -> [String] {
        var lines: [String] = []
        var title = "Replay of line \(replay.line)"
        if let state = replay.lineState {
            title += ": \(state.service.rawValue), \(state.plan.rawValue) plan"
            if state.isVanity { title += ", vanity number (premium \(DisplayFormat.rials(state.vanityPremium)))" }
            title += ", activated \(format.time(state.activatedAt))"
        }
        lines.append(title)
        if let owner = replay.owner {
            let registration = owner.registration
            let kind =
                registration.kind == .legalEntity
                ? (registration.governmental ? "governmental legal entity" : "legal entity") : "individual"
            lines.append("Owner: \(registration.subscriberID) (\(kind))")
        }
        lines.append("View: \(viewDescription(replay.view)); \(replay.entries.count) event(s)")
        lines.append("")
        return lines
    }

    func viewDescription(_ view: LineHistory.View) -> String {
        var parts: [String] = []
        if let asOf = view.asOf { parts.append("events that occurred by \(format.time(asOf))") }
        if let knownAt = view.knownAt { parts.append("as recorded by \(format.time(knownAt))") }
        return parts.isEmpty ? "every event recorded" : parts.joined(separator: ", ")
    }

    func row(_ entry: LineReplay.Entry) -> [String] {
        let state = entry.state
        let rials = DisplayFormat.rials
        return [
            "\(entry.position)", format.timeWithWeekday(entry.occurredAt), state.status.rawValue, rials(state.debt),
            rials(state.threshold),
            rials(state.overdue), rials(state.deposit), rials(state.guarantee),
            "\(entry.type.rawValue): \(entry.event.summary(format))",
        ]
    }

    /// The lines under a row: a late recording, the judgements, the findings.
    func annotations(_ entry: LineReplay.Entry) -> [String] {
        var lines: [String] = []
        let lag = entry.recordedAt.millisecondsSinceEpoch - entry.occurredAt.millisecondsSinceEpoch
        if entry.isRecordedLate {
            lines.append(
                "↳ recorded late, at \(format.time(entry.recordedAt)): \(DisplayFormat.duration(milliseconds: lag)) after it occurred, after later events"
            )
        }
        let violations = Set(entry.findings.filter { $0.severity == .violation }.map(\.rule))
        for judgement in entry.judgements {
            let mark = judgement.isForbidden ? "✘" : "✔"
            let flag = judgement.isForbidden && violations.contains(judgement.rule) ? "  ← VIOLATION" : ""
            lines.append(
                "\(mark) \(judgement.rule) (\(judgement.edition)): \(format.humanize(judgement.reason))\(flag)")
        }
        let forbidden = Set(entry.judgements.filter(\.isForbidden).map(\.rule))
        for finding in entry.findings where !(finding.severity == .violation && forbidden.contains(finding.rule)) {
            lines.append(
                "⚠ \(finding.severity.rawValue) \(finding.rule) (\(finding.edition)): \(format.humanize(finding.message))"
            )
        }
        for sentence in entry.complaintSentences(format) { lines.append("✉ \(sentence)") }
        return lines
    }

    func footer(_ replay: LineReplay) -> [String] {
        var lines: [String] = []
        if let final = replay.finalState {
            let rials = DisplayFormat.rials
            lines.append(
                "\(ReplayNetting.finalHeading(replay, format: format)): \(final.status.rawValue), debt \(rials(final.debt))\(replay.netting == nil ? "" : " (netted)"), credit \(rials(final.credit)), threshold \(rials(final.threshold)), overdue \(rials(final.overdue)), deposit \(rials(final.deposit)), guarantee \(rials(final.guarantee)), refund due \(rials(final.refundDue)) (edition \(final.policyEdition))"
            )
            if let netting = replay.netting { lines.append(ReplayNetting.sentence(netting)) }
        }
        lines += cutLines(replay)
        if replay.findings.isEmpty {
            lines.append("Audit: no finding.")
        } else {
            lines.append("Audit: \(replay.violationCount) violation(s), \(replay.warningCount) warning(s):")
            for finding in replay.findings {
                lines.append(
                    "  ⚠ \(finding.severity.rawValue) \(finding.rule) at #\(finding.position), \(format.time(finding.occurredAt)): \(format.humanize(finding.message))"
                )
            }
        }
        return lines
    }

    /// Each cut's length and its non-working days (SUS-2), one line each.
    func cutLines(_ replay: LineReplay) -> [String] {
        guard !replay.cuts.isEmpty else { return [] }
        var lines = [
            "Cuts: \(replay.cuts.count) (length, and the non-working days it spanned: Fridays and public holidays):"
        ]
        for cut in replay.cuts {
            let end =
                cut.endedBy.map { "to \(format.time(cut.until)) (\($0.rawValue))" }
                ?? "still cut at \(format.time(cut.until))"
            lines.append(
                "  #\(cut.suspensionPosition) from \(format.time(cut.suspendedAt)) \(end): "
                    + "\(DisplayFormat.duration(milliseconds: cut.milliseconds)), \(cut.nonWorkingDays) non-working day(s)"
            )
        }
        return lines
    }
}
