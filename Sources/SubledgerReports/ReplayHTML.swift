public import SubledgerLedger
import SubledgerStore

/// A replay as one self-contained HTML page: inline CSS and inline SVG, no script, no
/// external resource. It shows the line and its state at the end of the view, a chart of the debt against the
/// threshold with cuts and notices marked, the audit's findings, and the timeline with the
/// state after each event and the rules' judgements under each operator action.
public struct ReplayHTML: Sendable {
    /// How times and amounts are written (TIME-1's times in Asia/Tehran, rials grouped).
    public var format: DisplayFormat

    /// A renderer that writes times and amounts as `format` does.
    /// - Parameter format: How times and amounts are written.
    public init(format: DisplayFormat = DisplayFormat()) {
        self.format = format
    }

    /// The page of one replay: the line, its state at the view's end, the chart, the
    /// findings and the timeline.
    /// - Parameter replay: The line's replay (its view, entries, findings and cuts).
    /// - Returns: The whole HTML document.
    public func render(_ replay: LineReplay) -> String {
        let text = ReplayText(format: format)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Replay of line \(HTML.escape(replay.line))</title>
            <style>\(Self.style)</style>
            </head>
            <body>

            """
        html += "<header><h1>Replay of line <span class=\"number\">\(HTML.escape(replay.line))</span></h1>\n"
        html += "<p class=\"sub\">\(HTML.escape(subtitle(replay)))</p>\n"
        html +=
            "<p class=\"view\">View: \(HTML.escape(text.viewDescription(replay.view))) · \(replay.entries.count) event(s)</p></header>\n"
        html += cards(replay)
        html += charts(replay)
        html += findings(replay)
        html += cuts(replay, text)
        html += timeline(replay)
        html +=
            "<footer>subledger replay · times are Tehran time, Solar Hijri date with the Gregorian date in brackets (TIME-1) · amounts in rials</footer>\n"
        html += "</body>\n</html>\n"
        return html
    }

    /// The chart of the whole view and, when the findings sit in a small part of it, a
    /// closer look at them.
    private func charts(_ replay: LineReplay) -> String {
        let chart = ReplayChart(format: format)
        var html = "<section><h2>Debt against threshold</h2>\n"
        guard let whole = ReplayChart.wholeRange(replay) else {
            return html + "<p class=\"none\">No event in this view.</p></section>\n"
        }
        html +=
            "<figure>\(chart.svg(replay, range: whole, label: "Debt against threshold of line \(replay.line), the whole view"))</figure>\n"
        if let close = ReplayChart.findingsRange(replay) {
            let from = format.day(Timestamp(millisecondsSinceEpoch: close.lowerBound))
            let to = format.day(Timestamp(millisecondsSinceEpoch: close.upperBound))
            html += "<h3>Around the findings: \(HTML.escape(from)) to \(HTML.escape(to))</h3>\n"
            html +=
                "<figure>\(chart.svg(replay, range: close, label: "Debt against threshold of line \(replay.line) around the findings"))</figure>\n"
        }
        return html + ReplayChart.legend() + "</section>\n"
    }

    private func subtitle(_ replay: LineReplay) -> String {
        var parts: [String] = []
        if let state = replay.lineState {
            parts.append("\(state.service.rawValue) line, \(state.plan.rawValue) plan")
            if state.isVanity { parts.append("vanity number (premium \(DisplayFormat.rials(state.vanityPremium)))") }
            parts.append("activated \(format.time(state.activatedAt))")
        }
        if let owner = replay.owner?.registration {
            let kind =
                owner.kind == .legalEntity
                ? (owner.governmental ? "governmental legal entity" : "legal entity") : "individual"
            parts.append("owner \(owner.subscriberID) (\(kind))")
        }
        return parts.joined(separator: " · ")
    }

    /// The line at the end of the view, as cards; a revoked or sold line's also say how
    /// its debt was netted (VAN-3, LEG-2).
    private func cards(_ replay: LineReplay) -> String {
        guard let final = replay.finalState else { return "" }
        let rials = DisplayFormat.rials
        var html =
            "<section class=\"cards\"><p class=\"cards-at\">\(HTML.escape(ReplayNetting.finalHeading(replay, format: format)))</p>"
        html +=
            "<div class=\"card\"><span class=\"label\">status</span><span class=\"badge \(final.status.rawValue)\">\(final.status.rawValue)</span></div>"
        var amounts = [
            (replay.netting == nil ? "debt" : "debt, netted", final.debt), ("threshold", final.threshold),
            ("overdue", final.overdue),
            ("credit", final.credit), ("deposit", final.deposit), ("guarantee", final.guarantee),
        ]
        if let netting = replay.netting {
            amounts += [("refund", netting.refund), ("residual debt", netting.residualDebt)]
        }
        amounts.append(("refund due", final.refundDue))
        for (label, amount) in amounts {
            html +=
                "<div class=\"card\"><span class=\"label\">\(label)</span><span class=\"value\">\(rials(amount))</span></div>"
        }
        let audit =
            replay.findings.isEmpty
            ? "none" : "\(replay.violationCount) violation(s), \(replay.warningCount) warning(s)"
        let auditClass = replay.violationCount > 0 ? "bad" : (replay.warningCount > 0 ? "warn" : "good")
        html +=
            "<div class=\"card \(auditClass)\"><span class=\"label\">audit</span><span class=\"value small\">\(audit)</span></div>"
        if let netting = replay.netting {
            html += "<p class=\"netting\">\(HTML.escape(ReplayNetting.sentence(netting)))</p>"
        }
        return html + "</section>\n"
    }

    /// Each cut's length and non-working days (SUS-2), as the text replay lists them.
    private func cuts(_ replay: LineReplay, _ text: ReplayText) -> String {
        let lines = text.cutLines(replay)
        guard let heading = lines.first else { return "" }
        let items = lines.dropFirst().map { "<li>\(HTML.escape(String($0.drop { $0 == " " })))</li>\n" }.joined()
        return "<section><h2>Cuts</h2>\n<p>\(HTML.escape(heading))</p>\n<ul class=\"cuts\">\n\(items)</ul></section>\n"
    }

    private func findings(_ replay: LineReplay) -> String {
        var html = "<section><h2>Findings of the audit</h2>\n"
        if replay.findings.isEmpty {
            return html
                + "<p class=\"none\">No finding: every action of the operator on this line kept the rules.</p></section>\n"
        }
        html += "<ul class=\"findings\">\n"
        for finding in replay.findings {
            html +=
                "<li class=\"\(finding.severity.rawValue)\"><span class=\"sev\">\(finding.severity.rawValue)</span> <b>\(HTML.escape(finding.rule.rawValue))</b> "
            html +=
                "<span class=\"ed\">(edition \(HTML.escape(finding.edition)))</span> at <a href=\"#e\(finding.position)\">#\(finding.position)</a>, "
            html +=
                "\(HTML.escape(format.time(finding.occurredAt))): \(HTML.escape(format.humanize(finding.message)))</li>\n"
        }
        return html + "</ul></section>\n"
    }

    private func timeline(_ replay: LineReplay) -> String {
        let rials = DisplayFormat.rials
        var html =
            "<section><h2>Timeline</h2>\n<table class=\"timeline\">\n<thead><tr><th>#</th><th>occurred (Tehran)</th><th>event</th>"
        html +=
            "<th>status</th><th>debt</th><th>threshold</th><th>overdue</th><th>deposit</th><th>guarantee</th></tr></thead>\n<tbody>\n"
        for entry in replay.entries {
            var classes = [entry.isOperatorAction ? "op" : "fact"]
            if entry.type == .noticeDeliveryFailed { classes.append("failed") }
            if entry.findings.contains(where: { $0.severity == .violation }) {
                classes.append("violation")
            } else if !entry.findings.isEmpty {
                classes.append("warning")
            }
            let state = entry.state
            html += "<tr id=\"e\(entry.position)\" class=\"\(classes.joined(separator: " "))\">"
            html += "<td class=\"pos\">\(entry.position)</td>"
            let weekday = format.calendar.solarHijriDate(of: entry.occurredAt).weekday
            html +=
                "<td class=\"time\"><span class=\"weekday\">\(DisplayFormat.weekdayName(weekday)) <span lang=\"fa\" dir=\"rtl\">\(weekday.persianName)</span></span>"
            html += HTML.escape(format.time(entry.occurredAt))
            let lag = entry.recordedAt.millisecondsSinceEpoch - entry.occurredAt.millisecondsSinceEpoch
            if entry.isRecordedLate {
                html +=
                    "<span class=\"late\">recorded late, at \(HTML.escape(format.time(entry.recordedAt))): \(DisplayFormat.duration(milliseconds: lag)) after it occurred</span>"
            }
            html +=
                "</td><td class=\"event\"><span class=\"type\">\(entry.type.rawValue)</span> \(HTML.escape(entry.event.summary(format)))"
            let complaintSentences = entry.complaintSentences(format)
            if !entry.judgements.isEmpty || !entry.findings.isEmpty || !complaintSentences.isEmpty {
                html += "<ul class=\"rules\">"
                let violations = Set(entry.findings.filter { $0.severity == .violation }.map(\.rule))
                for judgement in entry.judgements {
                    let mark = judgement.isForbidden ? "✘" : "✔"
                    let flag =
                        judgement.isForbidden && violations.contains(judgement.rule)
                        ? " <span class=\"flag\">violation</span>" : ""
                    html +=
                        "<li class=\"\(judgement.isForbidden ? "no" : "ok")\">\(mark) <b>\(HTML.escape(judgement.rule.rawValue))</b> (\(HTML.escape(judgement.edition))): \(HTML.escape(format.humanize(judgement.reason)))\(flag)</li>"
                }
                let forbidden = Set(entry.judgements.filter(\.isForbidden).map(\.rule))
                for finding in entry.findings
                where !(finding.severity == .violation && forbidden.contains(finding.rule)) {
                    html +=
                        "<li class=\"finding \(finding.severity.rawValue)\">⚠ \(finding.severity.rawValue) <b>\(HTML.escape(finding.rule.rawValue))</b>: \(HTML.escape(format.humanize(finding.message)))</li>"
                }
                for sentence in complaintSentences { html += "<li class=\"complaint\">✉ \(HTML.escape(sentence))</li>" }
                html += "</ul>"
            }
            html += "</td><td><span class=\"badge \(state.status.rawValue)\">\(state.status.rawValue)</span></td>"
            for amount in [state.debt, state.threshold, state.overdue, state.deposit, state.guarantee] {
                html += "<td class=\"amount\">\(rials(amount))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static let style = """
        :root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--debt:#0969da;--threshold:#bc4c00;--cut:#cf222e;\
        --restore:#1a7f37;--notice:#bf8700;--close:#24292f}
        *{box-sizing:border-box}
        body{font-family:"DejaVu Sans","Noto Sans","Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;\
        max-width:1240px;padding:20px 28px;color:var(--ink);background:#fff;font-size:14px;line-height:1.4}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid var(--line);\
        padding-bottom:4px}
        h3{font-size:14px;margin:12px 0 4px;color:var(--muted);font-weight:normal}
        ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:6px 0 0 92px;font-size:12px}
        ul.legend li{display:flex;align-items:center;gap:5px}ul.legend svg{overflow:visible}
        .flag{background:var(--cut);color:#fff;border-radius:3px;padding:0 4px;font-size:10px;\
        text-transform:uppercase;margin-left:4px}
        .number{font-family:"DejaVu Sans Mono",monospace}
        .sub,.view{margin:2px 0;color:var(--muted)}
        .cards-at{flex-basis:100%;margin:0;font-size:12px;color:var(--muted)}.netting{flex-basis:100%;margin:2px 0 0}
        .timeline .weekday{display:block;font-size:11px;color:var(--muted)}
        .cards{display:flex;flex-wrap:wrap;gap:8px;margin-top:14px}
        .card{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:104px;display:flex;\
        flex-direction:column}
        .card .label{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
        .card .value{font-size:18px;font-variant-numeric:tabular-nums}.card .value.small{font-size:14px;padding-top:3px}
        .card.bad{border-color:var(--cut);background:#ffebe9}.card.warn{border-color:var(--notice);background:#fff8c5}\
        .card.good{border-color:var(--restore);background:#dafbe1}
        .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:bold;color:#fff;\
        background:var(--restore)}
        .card .badge{font-size:15px;margin-top:3px;align-self:flex-start}
        .badge.oneWay{background:#d1242f}.badge.twoWay{background:#82071e}.badge.terminated{background:#57606a}\
        .badge.revoked{background:#24292f}.badge.sold{background:#6639ba}
        figure{margin:0}
        svg.chart{width:100%;height:auto;display:block;font-family:"DejaVu Sans",sans-serif}
        svg .plot{fill:#f6f8fa;stroke:var(--line)}
        svg .grid{stroke:#d8dee4;stroke-width:1}
        svg .ylabel{font-size:11px;text-anchor:end;fill:var(--muted)}
        svg .xlabel{font-size:11px;text-anchor:middle;fill:var(--ink)}svg .xlabel.greg{fill:var(--muted);font-size:10px}
        svg .axis{font-size:11px;fill:var(--muted);text-anchor:middle}
        svg .debt{fill:none;stroke:var(--debt);stroke-width:2.2}
        svg .debt-area{fill:var(--debt);fill-opacity:.12;stroke:none}
        svg .threshold{fill:none;stroke:var(--threshold);stroke-width:2;stroke-dasharray:7 4}
        svg .notice-level{fill:none;stroke:var(--notice);stroke-width:1.6;stroke-dasharray:2 3}
        svg .mark line{stroke-width:1.3;stroke-dasharray:3 3}
        svg .cut line{stroke:var(--cut)}svg .cut path{fill:var(--cut)}
        svg .restore line{stroke:var(--restore)}svg .restore circle{fill:var(--restore)}
        svg .close line{stroke:var(--close)}svg .close rect{fill:var(--close)}
        svg .notice.thresholdNotice circle{fill:var(--notice);stroke:#fff}
        svg .notice.other circle{fill:#8c959f;stroke:#fff}
        svg .notice.failed circle{fill:#fff;stroke:var(--cut);stroke-width:2}\
        svg .notice.failed path{stroke:var(--cut);stroke-width:2}
        svg .finding.violation path{fill:var(--cut)}svg .finding.warning path{fill:var(--notice)}
        .findings{list-style:none;padding:0;margin:0}
        .findings li{border-left:4px solid var(--notice);background:#fff8c5;padding:5px 10px;margin:4px 0}
        .findings li.violation{border-color:var(--cut);background:#ffebe9}
        .sev{font-size:11px;text-transform:uppercase;font-weight:bold}.ed{color:var(--muted)}
        .none{color:var(--restore)}
        table.timeline{border-collapse:collapse;width:100%;font-size:13px}
        .timeline th{position:sticky;top:0;background:#f6f8fa;text-align:left;border-bottom:2px solid var(--line);\
        padding:5px 6px;font-size:12px}
        .timeline td{border-bottom:1px solid #eaeef2;padding:4px 6px;vertical-align:top}
        .timeline td.pos{color:var(--muted);text-align:right}
        .timeline td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
        .timeline td.amount{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        .timeline tr.op td.event .type{font-weight:bold}
        .timeline .type{font-family:"DejaVu Sans Mono",monospace;font-size:12px}
        .timeline tr.violation{background:#ffebe9}.timeline tr.warning{background:#fff8c5}
        .late{display:block;color:var(--cut);font-size:11px}
        .timeline tr.failed td.event{color:var(--cut);font-weight:bold}
        ul.rules{list-style:none;margin:3px 0 0;padding:0;font-size:12px}
        ul.rules li.ok{color:#1a7f37}ul.rules li.no{color:var(--cut);font-weight:bold}
        ul.rules li.finding{color:#7d4e00}ul.rules li.finding.violation{color:var(--cut)}
        ul.rules li.complaint{color:#6639ba}
        footer{margin-top:20px;color:var(--muted);font-size:12px}
        """
}

/// Escaping for HTML text and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
