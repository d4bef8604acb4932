import SubledgerStore

extension Auditor {
    /// SUS-2 (c), the audit's one pass across lines: `massSuspensionLines` (10) or more lines
    /// of two or more subscribers suspended for the same reason other than debt within
    /// `massSuspensionWindowMinutes` (60; from the first suspension to the last, both
    /// included) are a mass suspension, and each suspension in one gets a SUS-2 warning
    /// naming how many lines and subscribers, the reason and the window. The parameters are
    /// the edition's in force at the window's first suspension. A line's subscriber is the
    /// one its latest activation before the suspension names. Only the lines in `histories`
    /// are seen (an audit of one line finds no mass suspension).
    ///
    /// - Parameters:
    ///   - histories: the lines audited.
    ///   - editions: the rule editions, with their adoption (POL-3).
    ///   - calendar: the Tehran calendar, for the windows' wording.
    /// - Returns: a SUS-2 warning for each suspension in a mass suspension.
    package static func massSuspensions(
        _ histories: [LineHistory], editions: PolicyEditions,
        calendar: TehranCalendar
    ) -> [Finding] {
        var cutsByReason: [LineSuspended.Reason: [SuspensionSeen]] = [:]
        for history in histories { gatherSuspensions(of: history, into: &cutsByReason) }
        return massSuspensions(cutsByReason, editions: editions, calendar: calendar)
    }

    /// Adds the suspensions of `history` for a reason other than debt to `cutsByReason`: all
    /// the cross-line pass keeps of a line, so that a streamed audit holds no history.
    ///
    /// - Parameters:
    ///   - history: one line's history.
    ///   - cutsByReason: the suspensions gathered so far, by reason.
    package static func gatherSuspensions(
        of history: LineHistory, into cutsByReason: inout [LineSuspended.Reason: [SuspensionSeen]]
    ) {
        var subscriber = ""
        for fact in LineHistory.occurrenceOrder(history.facts) {
            switch fact.event {
            case .lineActivated(let activation): subscriber = activation.subscriberID
            case .lineSuspended(let suspension) where !suspension.reason.isForDebt:
                cutsByReason[suspension.reason, default: []].append(
                    SuspensionSeen(
                        line: history.number, subscriber: subscriber, at: fact.occurredAt, position: fact.position))
            default: break
            }
        }
    }

    /// The SUS-2 (c) warnings over the suspensions gathered by ``gatherSuspensions(of:into:)``.
    ///
    /// - Parameters:
    ///   - cutsByReason: the suspensions of every line audited, by reason.
    ///   - editions: the rule editions, with their adoption (POL-3).
    ///   - calendar: the Tehran calendar, for the windows' wording.
    /// - Returns: a SUS-2 warning for each suspension in a mass suspension.
    package static func massSuspensions(
        _ cutsByReason: [LineSuspended.Reason: [SuspensionSeen]], editions: PolicyEditions,
        calendar: TehranCalendar
    ) -> [Finding] {
        let format = DisplayFormat(calendar: calendar)
        var findings: [Finding] = []
        for reason in LineSuspended.Reason.allCases {
            guard var cuts = cutsByReason[reason] else { continue }
            cuts.sort { ($0.at, $0.position) < ($1.at, $1.position) }
            for (index, window) in windows(of: cuts, editions: editions) {
                let edition = editions.edition(at: cuts[window.lowerBound].at)
                let cut = cuts[index]
                let message =
                    "LineSuspended: one of \(window.lines) lines of \(window.subscribers) subscribers suspended for "
                    + "\(reason.rawValue) from \(format.time(cuts[window.lowerBound].at)) to \(format.time(cuts[window.upperBound].at)), "
                    + "within \(edition.massSuspensionWindowMinutes) min: a mass suspension (\(edition.massSuspensionLines) lines or more)"
                findings.append(
                    Finding(
                        rule: "SUS-2", edition: edition.id, severity: .warning, line: cut.line,
                        position: cut.position, occurredAt: cut.at, message: message))
            }
        }
        return findings
    }

    /// One suspension for a reason other than debt, as the cross-line pass sees it.
    package struct SuspensionSeen {
        var line: String
        var subscriber: String
        var at: Timestamp
        var position: UInt64
    }

    /// The window of a mass suspension: the indices of its first and last suspension, and
    /// how many lines and subscribers it holds.
    struct MassWindow {
        var lowerBound: Int
        var upperBound: Int
        var lines: Int
        var subscribers: Int
    }

    /// For each suspension of `cuts` (sorted by time) that is in a mass suspension, the first
    /// window holding it: a window starts at each suspension and holds every later one
    /// within the edition's minutes (a sliding window, counting lines and subscribers).
    static func windows(of cuts: [SuspensionSeen], editions: PolicyEditions) -> [(Int, MassWindow)] {
        var result: [(Int, MassWindow)] = []
        var lines: [String: Int] = [:]
        var subscribers: [String: Int] = [:]
        func add(_ cut: SuspensionSeen) {
            lines[cut.line, default: 0] += 1
            subscribers[cut.subscriber, default: 0] += 1
        }
        func remove(_ cut: SuspensionSeen) {
            lines[cut.line]! -= 1
            if lines[cut.line] == 0 { lines[cut.line] = nil }
            subscribers[cut.subscriber]! -= 1
            if subscribers[cut.subscriber] == 0 { subscribers[cut.subscriber] = nil }
        }
        var end = 0  // one past the window's last suspension
        var flaggedUpTo = 0  // suspensions before this index already have their window
        for start in cuts.indices {
            let edition = editions.edition(at: cuts[start].at)
            let (windowMilliseconds, overflow) = Int64(edition.massSuspensionWindowMinutes).multipliedReportingOverflow(
                by: 60_000)
            let last = overflow ? Timestamp.maximum : cuts[start].at.adding(milliseconds: windowMilliseconds)
            // A later edition may have a shorter window: give back what it does not hold.
            while end > start + 1, cuts[end - 1].at > last {
                end -= 1
                remove(cuts[end])
            }
            while end < cuts.count, cuts[end].at <= last {
                add(cuts[end])
                end += 1
            }
            if lines.count >= edition.massSuspensionLines, subscribers.count >= 2 {
                let window = MassWindow(
                    lowerBound: start, upperBound: end - 1, lines: lines.count, subscribers: subscribers.count)
                for index in max(start, flaggedUpTo)..<max(end, start, flaggedUpTo) { result.append((index, window)) }
                flaggedUpTo = max(flaggedUpTo, end)
            }
            remove(cuts[start])
        }
        return result
    }
}
