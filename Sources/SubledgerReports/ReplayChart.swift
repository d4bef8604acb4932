import SubledgerLedger
import SubledgerStore

/// The chart of a replay as inline SVG (no script, no external resource): the debt as a
/// step line against the threshold and the notice level (NTC-1), cuts, restorations, revocations and sales as vertical
/// marks, notices on the bottom lane (a failed one crossed out), findings as diamonds on
/// the top lane. Every mark has a `<title>` that a browser shows on hover.
struct ReplayChart {
    var format: DisplayFormat
    var width = 1160.0
    var height = 344.0
    let left = 92.0
    let right = 24.0
    let top = 60.0
    let bottom = 52.0

    init(format: DisplayFormat) {
        self.format = format
    }

    private var plotWidth: Double { width - left - right }
    private var plotHeight: Double { height - top - bottom }
    private static let day: Int64 = 86_400_000

    /// The time the chart of the whole view spans.
    static func wholeRange(_ replay: LineReplay) -> ClosedRange<Int64>? {
        guard let first = replay.entries.map(\.occurredAt).min(), let last = replay.entries.map(\.occurredAt).max()
        else { return nil }
        let start = first.millisecondsSinceEpoch
        var end = max(last.millisecondsSinceEpoch, replay.view.asOf?.millisecondsSinceEpoch ?? 0)
        if end <= start { end = start + day }
        let padding = max((end - start) / 50, 3_600_000)
        return (start - padding)...(end + padding)
    }

    /// A closer look around the findings, when the view spans much more than they do.
    static func findingsRange(_ replay: LineReplay) -> ClosedRange<Int64>? {
        guard let whole = wholeRange(replay), let first = replay.findings.map(\.occurredAt).min(),
            let last = replay.findings.map(\.occurredAt).max()
        else { return nil }
        let start = first.millisecondsSinceEpoch - 12 * day
        let end = last.millisecondsSinceEpoch + 8 * day
        guard (end - start) * 4 < whole.upperBound - whole.lowerBound else { return nil }
        return max(start, whole.lowerBound)...min(end, whole.upperBound)
    }

    func svg(_ replay: LineReplay, range: ClosedRange<Int64>, label: String) -> String {
        // The entries in time order; those before the range only set the starting values.
        let ordered = replay.entries.enumerated().sorted {
            ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset)
        }.map(\.element)
        let before = ordered.last { $0.occurredAt.millisecondsSinceEpoch < range.lowerBound }
        let inside = ordered.filter { range.contains($0.occurredAt.millisecondsSinceEpoch) }
        let scale = TimeScale(start: range.lowerBound, end: range.upperBound, x0: left, width: plotWidth)
        let startTime = Timestamp(millisecondsSinceEpoch: range.lowerBound)
        var points: [(Timestamp, LineReplay.StateAfter)] = before.map { [(startTime, $0.state)] } ?? []
        points += inside.map { ($0.occurredAt, $0.state) }
        let maximum = max(points.map { max($0.1.debt, $0.1.threshold) }.max() ?? 0, 1)
        let (yMax, yStep) = Self.niceAxis(maximum: Double(maximum) * 1.08)
        let y = { (amount: Rials) -> Double in self.top + self.plotHeight * (1 - min(Double(amount), yMax) / yMax) }

        var svg =
            #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(HTML.escape(label))">"#
        svg += #"<rect x="\#(left)" y="\#(top)" width="\#(plotWidth)" height="\#(plotHeight)" class="plot"/>"#
        svg += yAxis(yMax: yMax, yStep: yStep)
        svg += timeTicks(scale: scale)

        // Threshold and debt as step lines, the debt's area shaded.
        let debtSteps = Self.steps(points.map { (scale.x($0.0), y($0.1.debt)) }, endX: left + plotWidth)
        let thresholdSteps = Self.steps(points.map { (scale.x($0.0), y($0.1.threshold)) }, endX: left + plotWidth)
        let baseline = Self.f(top + plotHeight)
        if let firstX = debtSteps.first?.0 {
            svg +=
                #"<polygon class="debt-area" points="\#(Self.f(firstX)),\#(baseline) \#(Self.pointList(debtSteps)) \#(Self.f(left + plotWidth)),\#(baseline)"/>"#
        }
        // NTC-1's notice level, where the edition in force puts it below the threshold (80 %
        // for a noDeposit line under edition 2021): drawn under the threshold, which it
        // meets wherever the notice is due at the threshold itself.
        if points.contains(where: { $0.1.noticeLevel < $0.1.threshold }) {
            let noticeSteps = Self.steps(points.map { (scale.x($0.0), y($0.1.noticeLevel)) }, endX: left + plotWidth)
            let last = points[points.count - 1].1
            let title =
                "notice level (NTC-1): a threshold notice is due from this unpaid usage, under the edition in force; "
                + "at the end \(DisplayFormat.rials(last.noticeLevel)) of \(DisplayFormat.rials(last.threshold)) (edition \(last.policyEdition))"
            svg +=
                #"<polyline class="notice-level" points="\#(Self.pointList(noticeSteps))"><title>\#(HTML.escape(title))</title></polyline>"#
        }
        svg +=
            #"<polyline class="threshold" points="\#(Self.pointList(thresholdSteps))"><title>threshold (THR-1)</title></polyline>"#
        svg +=
            #"<polyline class="debt" points="\#(Self.pointList(debtSteps))"><title>debt: unpaid usage (THR-2)</title></polyline>"#

        let failedNotices = Set(
            replay.entries.compactMap { entry -> String? in
                if case .noticeDeliveryFailed(let noticeDeliveryFailed) = entry.event {
                    return noticeDeliveryFailed.noticeID
                }
                return nil
            })
        for entry in inside {
            svg += mark(entry, x: scale.x(entry.occurredAt), failedNotices: failedNotices)
        }
        // The findings last, so that no line, area or mark is drawn over them.
        for entry in inside where !entry.findings.isEmpty {
            svg += findingMarks(entry, x: scale.x(entry.occurredAt))
        }
        svg += "</svg>"
        return svg
    }

    /// The amounts' axis: a grid line and a label at every step up to `yMax`, and its title.
    /// - Parameters:
    ///   - yMax: The amount at the top of the plot.
    ///   - yStep: The amount between two grid lines.
    /// - Returns: The axis as SVG elements.
    private func yAxis(yMax: Double, yStep: Double) -> String {
        var axis = ""
        var tick = 0.0
        while tick <= yMax + 0.5 {
            let ty = top + plotHeight * (1 - tick / yMax)
            axis +=
                #"<line x1="\#(left)" x2="\#(left + plotWidth)" y1="\#(Self.f(ty))" y2="\#(Self.f(ty))" class="grid"/>"#
            axis +=
                #"<text x="\#(left - 8)" y="\#(Self.f(ty + 4))" class="ylabel">\#(DisplayFormat.rials(Rials(tick)))</text>"#
            tick += yStep
        }
        axis +=
            #"<text x="16" y="\#(Self.f(top + plotHeight / 2))" class="axis" transform="rotate(-90 16 \#(Self.f(top + plotHeight / 2)))">rials</text>"#
        return axis
    }

    /// The mark of one event, if it has one.
    private func mark(_ entry: LineReplay.Entry, x position: Double, failedNotices: Set<String>) -> String {
        let x = Self.f(position)
        let baseline = Self.f(top + plotHeight)
        let when = "#\(entry.position) \(format.time(entry.occurredAt))"
        var svg = ""
        switch entry.event {
        case .lineSuspended(let suspension):
            let label = suspension.direction == .oneWay ? "one-way" : "two-way"
            svg +=
                #"<g class="mark cut"><title>\#(HTML.escape("\(when): cut \(label) for \(suspension.reason.rawValue)"))</title><line x1="\#(x)" x2="\#(x)" y1="\#(top)" y2="\#(baseline)"/><path d="M\#(x) \#(Self.f(top - 2)) l-6 -10 h12 z"/></g>"#
        case .lineRestored:
            svg +=
                #"<g class="mark restore"><title>\#(HTML.escape("\(when): restored"))</title><line x1="\#(x)" x2="\#(x)" y1="\#(top)" y2="\#(baseline)"/><circle cx="\#(x)" cy="\#(Self.f(top - 24))" r="5"/></g>"#
        case .lineTerminated, .lineRevoked, .auctionSold:
            let label =
                switch entry.type {
                case .lineTerminated: "terminated";
                case .lineRevoked: "revoked";
                default: "sold at auction"
                }
            svg +=
                #"<g class="mark close"><title>\#(HTML.escape("\(when): \(label)"))</title><line x1="\#(x)" x2="\#(x)" y1="\#(top)" y2="\#(baseline)"/><rect x="\#(Self.f(position - 5))" y="\#(Self.f(top - 29))" width="10" height="10"/></g>"#
        case .noticeSent(let notice):
            let failed = failedNotices.contains(notice.noticeID)
            let noticeY = top + plotHeight - 9
            let title = HTML.escape(
                "\(when): notice \(notice.noticeID) (\(notice.kind.rawValue), \(notice.channel.rawValue))\(failed ? ": delivery FAILED" : "")"
            )
            if failed {
                svg +=
                    #"<g class="mark notice failed"><title>\#(title)</title><circle cx="\#(x)" cy="\#(Self.f(noticeY))" r="6"/><path d="M\#(Self.f(position - 4)) \#(Self.f(noticeY - 4)) l8 8 m0 -8 l-8 8"/></g>"#
            } else {
                let kind = notice.kind.isThresholdNotice ? "thresholdNotice" : "other"
                svg +=
                    #"<g class="mark notice \#(kind)"><title>\#(title)</title><circle cx="\#(x)" cy="\#(Self.f(noticeY))" r="5"/></g>"#
            }
        default:
            break
        }
        return svg
    }

    /// The diamonds of an event's findings on the top lane: one per severity, side by side
    /// when there are both, so that a warning (SUS-2's Thursday afternoon) beside a
    /// violation (CUT-1) at the same cut is not hidden in the violation's diamond.
    private func findingMarks(_ entry: LineReplay.Entry, x position: Double) -> String {
        let when = "#\(entry.position) \(format.time(entry.occurredAt))"
        let bySeverity = [Finding.Severity.violation, .warning].map { severity in
            (severity, entry.findings.filter { $0.severity == severity })
        }
        .filter { !$0.1.isEmpty }
        var svg = ""
        for (index, (severity, findings)) in bySeverity.enumerated() {
            let offset = bySeverity.count == 1 ? 0 : (index == 0 ? -8.0 : 8.0)
            let text = findings.map { "\($0.severity.rawValue) \($0.rule): \(format.humanize($0.message))" }.joined(
                separator: "\n")
            let rules = Set(findings.map(\.rule.rawValue)).sorted().joined(separator: " ")
            svg +=
                #"<g class="mark finding \#(severity.rawValue)" data-rules="\#(HTML.escape(rules))"><title>\#(HTML.escape("\(when)\n\(text)"))</title>"#
            svg += #"<path d="M\#(Self.f(position + offset)) 4 l7 9 l-7 9 l-7 -9 z"/></g>"#
        }
        return svg
    }

    /// Vertical grid at Solar Hijri months (days for a short span), labelled with both dates.
    private func timeTicks(scale: TimeScale) -> String {
        let calendar = format.calendar
        let span = scale.end - scale.start
        var ticks: [(Timestamp, String)] = []
        if span < 75 * Self.day {
            let step: Int = [1, 2, 4, 7, 14].first { span / (Int64($0) * Self.day) <= 12 } ?? 14
            var time = calendar.startOfDay(Timestamp(millisecondsSinceEpoch: scale.start))
            var index = 0
            while time.millisecondsSinceEpoch <= scale.end, index < 200 {
                if time.millisecondsSinceEpoch >= scale.start, index % step == 0 {
                    ticks.append((time, calendar.solarHijriDate(of: time).solarHijriDay.description))
                }
                index += 1
                time = calendar.startOfDay(time.adding(milliseconds: Self.day + 4 * 3_600_000))
            }
        } else {
            let first = calendar.solarHijriDate(of: Timestamp(millisecondsSinceEpoch: scale.start))
            let last = calendar.solarHijriDate(of: Timestamp(millisecondsSinceEpoch: scale.end))
            let months = (last.year - first.year) * 12 + (last.month - first.month) + 1
            let step = [1, 2, 3, 6, 12, 24, 60].first { months / $0 <= 10 } ?? 120
            for index in 0...months {
                let total = first.year * 12 + (first.month - 1) + index
                guard total % step == 0, let time = calendar.timestamp(year: total / 12, month: total % 12 + 1, day: 1),
                    time.millisecondsSinceEpoch >= scale.start, time.millisecondsSinceEpoch <= scale.end
                else { continue }
                ticks.append((time, "\(total / 12)-\(DisplayFormat.twoDigits(total % 12 + 1))"))
            }
        }
        var svg = ""
        for (time, label) in ticks {
            let x = Self.f(scale.x(time))
            svg += #"<line x1="\#(x)" x2="\#(x)" y1="\#(top)" y2="\#(Self.f(top + plotHeight + 5))" class="grid"/>"#
            svg += #"<text x="\#(x)" y="\#(Self.f(top + plotHeight + 20))" class="xlabel">\#(label)</text>"#
            svg +=
                #"<text x="\#(x)" y="\#(Self.f(top + plotHeight + 34))" class="xlabel greg">\#(calendar.solarHijriDate(of: time).gregorianDescription)</text>"#
        }
        return svg
    }

    /// The legend, as HTML that wraps, each symbol a small inline SVG.
    static func legend() -> String {
        let items: [(String, String)] = [
            (#"<line x1="1" x2="25" y1="8" y2="8" class="debt"/>"#, "debt"),
            (#"<line x1="1" x2="25" y1="8" y2="8" class="threshold"/>"#, "threshold"),
            (#"<line x1="1" x2="25" y1="8" y2="8" class="notice-level"/>"#, "notice level (NTC-1)"),
            (#"<g class="mark cut"><path d="M13 13 l-6 -10 h12 z"/></g>"#, "cut"),
            (#"<g class="mark restore"><circle cx="13" cy="8" r="5"/></g>"#, "restored"),
            (#"<g class="mark close"><rect x="8" y="3" width="10" height="10"/></g>"#, "terminated / revoked / sold"),
            (#"<g class="mark notice thresholdNotice"><circle cx="13" cy="8" r="5"/></g>"#, "threshold notice"),
            (#"<g class="mark notice other"><circle cx="13" cy="8" r="5"/></g>"#, "other notice"),
            (
                #"<g class="mark notice failed"><circle cx="13" cy="8" r="6"/><path d="M9 4 l8 8 m0 -8 l-8 8"/></g>"#,
                "notice failed (DLV-1)"
            ),
            (#"<g class="mark finding violation"><path d="M13 0 l7 8 l-7 8 l-7 -8 z"/></g>"#, "violation"),
            (#"<g class="mark finding warning"><path d="M13 0 l7 8 l-7 8 l-7 -8 z"/></g>"#, "warning"),
        ]
        return #"<ul class="legend">"#
            + items.map { #"<li><svg viewBox="0 0 26 16" width="26" height="16">\#($0.0)</svg>\#($0.1)</li>"# }.joined()
            + "</ul>"
    }

    // MARK: Geometry

    struct TimeScale {
        var start: Int64
        var end: Int64
        var x0: Double
        var width: Double

        func x(_ time: Timestamp) -> Double {
            x0 + width * Double(time.millisecondsSinceEpoch - start) / Double(max(1, end - start))
        }
    }

    /// A step line through `points`: each value holds until the next point, then the last
    /// to `endX`.
    static func steps(_ points: [(Double, Double)], endX: Double) -> [(Double, Double)] {
        var result: [(Double, Double)] = []
        for point in points {
            if let previous = result.last {
                if previous.1 == point.1 { continue }
                result.append((point.0, previous.1))
            }
            result.append(point)
        }
        if let lastPoint = result.last { result.append((max(endX, lastPoint.0), lastPoint.1)) }
        return result
    }

    static func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
    }

    /// A coordinate with one decimal.
    static func f(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
    }

    /// An axis maximum at or above `maximum` and a step of 1, 2, 2.5 or 5 × 10ⁿ giving at
    /// most eight ticks.
    static func niceAxis(maximum: Double) -> (Double, Double) {
        var magnitude = 1.0
        while magnitude * 10 <= maximum { magnitude *= 10 }
        for factor in [0.1, 0.2, 0.25, 0.5, 1.0, 2.0] {
            let step = magnitude * factor
            let ticks = (maximum / step).rounded(.up)
            if ticks <= 8 { return (ticks * step, step) }
        }
        return ((maximum / magnitude).rounded(.up) * magnitude, magnitude)
    }
}
