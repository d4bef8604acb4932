public import SubledgerStore

/// A complaint of the line as the replay shows it (CMP-1): beside the event it is about,
/// beside itself with its answer and its wait, and beside its answer.
public struct ReplayComplaint: Hashable, Sendable {
    /// How the complaint stands to the entry it is shown beside.
    public enum Role: String, Hashable, Sendable {
        /// The entry is the `ComplaintFiled`.
        case filed
        /// The entry is the `ComplaintAnswered`.
        case answer
        /// The entry is the event the complaint is about (its `position`).
        case complainedOf
    }

    /// The complaint, as the line's fold holds it: filed, maybe answered.
    public var complaint: ComplaintState
    /// The end of the time to answer it (CMP-1, TIME-1).
    public var deadline: Timestamp
    /// How long it waited: to its answer, or, unanswered, to the end of the view.
    public var waitMilliseconds: Int64
    /// Answered after its deadline, or unanswered past it at the end of the view (CMP-1's warning).
    public var isLate: Bool

    /// The complaint's id.
    public var complaintID: String { complaint.complaint.complaintID }

    /// The complaints of `line` (folded with the positions of the log), waits measured to
    /// the answer or to `end`.
    static func all(of line: LineState, until end: Timestamp, editions: PolicyEditions, calendar: TehranCalendar)
        -> [ReplayComplaint]
    {
        line.complaints.map { complaint in
            let deadline = complaint.answerDeadline(editions: editions, calendar: calendar)
            let until = complaint.answeredAt ?? max(end, complaint.filedAt)
            return ReplayComplaint(
                complaint: complaint, deadline: deadline,
                waitMilliseconds: until.millisecondsSinceEpoch - complaint.filedAt.millisecondsSinceEpoch,
                isLate: until > deadline)
        }
    }

    /// How the complaint stands to the event at `position`, if it concerns it.
    func role(at position: UInt64) -> Role? {
        if complaint.position == position { return .filed }
        if complaint.answerPosition == position { return .answer }
        if complaint.complaint.position == position { return .complainedOf }
        return nil
    }

    /// A sentence for people, as the complaint stands to an entry of `role`.
    func sentence(_ role: Role, format: DisplayFormat) -> String {
        let wait = DisplayFormat.duration(milliseconds: waitMilliseconds)
        let answer: String
        if let answeredAt = complaint.answeredAt, let outcome = complaint.outcome {
            answer =
                "answered \(outcome.rawValue) at \(format.time(answeredAt))\(complaint.answerPosition.map { " (#\($0))" } ?? "") after \(wait)"
        } else {
            answer = "unanswered after \(wait)"
        }
        let timing =
            isLate
            ? "late: past its time to answer (to \(format.time(deadline))), CMP-1"
            : "within its time to answer (to \(format.time(deadline)))"
        switch role {
        case .filed:
            return "complaint \(complaintID): \(answer), \(timing)"
        case .answer:
            return
                "answers complaint \(complaintID) filed at \(format.time(complaint.filedAt)) (#\(complaint.position)) after \(wait), \(timing)"
        case .complainedOf:
            return
                "complained of: complaint \(complaintID) (\(complaint.complaint.about.rawValue)) filed at \(format.time(complaint.filedAt)) (#\(complaint.position)), \(answer)"
        }
    }

    /// The complaint in `replay --json`, with its `role` beside an entry.
    func json(role: Role?) -> JSONObject {
        var object: JSONObject = [
            "complaintId": .string(complaintID), "about": .string(complaint.complaint.about.rawValue),
            "channel": .string(complaint.complaint.channel.rawValue),
            "filedAt": .string(complaint.filedAt.rfc3339), "filedPosition": .integer(Int64(complaint.position)),
            "deadline": .string(deadline.rfc3339), "waitSeconds": .integer(waitMilliseconds / 1000),
            "late": .bool(isLate),
            "answered": .bool(complaint.isAnswered),
        ]
        if let role { object["role"] = .string(role.rawValue) }
        if let about = complaint.complaint.position { object["aboutPosition"] = .integer(Int64(about)) }
        if let answeredAt = complaint.answeredAt { object["answeredAt"] = .string(answeredAt.rfc3339) }
        if let outcome = complaint.outcome { object["outcome"] = .string(outcome.rawValue) }
        if let answerPosition = complaint.answerPosition { object["answerPosition"] = .integer(Int64(answerPosition)) }
        return object
    }
}

extension LineReplay.Entry {
    /// The complaints this entry is, answers or is about, with how each stands to it.
    public var complaintRoles: [(complaint: ReplayComplaint, role: ReplayComplaint.Role)] {
        complaints.compactMap { complaint in complaint.role(at: position).map { (complaint, $0) } }
    }

    /// One sentence per complaint beside this entry (CMP-1).
    ///
    /// - Parameters:
    ///   - format: how the instants are written.
    /// - Returns: the sentences, in the order of ``complaintRoles``; empty when there is no complaint.
    package func complaintSentences(_ format: DisplayFormat) -> [String] {
        complaintRoles.map { $0.complaint.sentence($0.role, format: format) }
    }
}
