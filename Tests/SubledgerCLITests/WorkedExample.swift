/// The worked example of the contract (spec/examples/threshold-cut.jsonl) and its variant.
enum WorkedExample {
    static let line = "+989351112233"

    /// The eleven facts, one JSON object a line.
    static let lines = [
        #"{"type":"SubscriberRegistered","subscriber":"S-100","occurredAt":"2025-01-04T06:30:00Z","data":{"subscriberId":"S-100","kind":"individual","governmental":false,"name":"Reza Karimi","nationalId":"0076543210"}}"#,
        #"{"type":"IdentityVerified","subscriber":"S-100","occurredAt":"2025-01-04T06:35:00Z","data":{"documents":["national-id-card"]}}"#,
        #"{"type":"LineActivated","line":"+989351112233","occurredAt":"2025-01-04T07:00:00Z","data":{"subscriberId":"S-100","service":"mobile","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#,
        #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-02-02T18:00:00Z","data":{"amount":245000,"description":"calls and data"}}"#,
        #"{"type":"NoticeSent","line":"+989351112233","occurredAt":"2025-02-02T18:10:00Z","data":{"noticeId":"N-7","kind":"thresholdWarning","channel":"sms","deadline":"2025-02-03T18:10:00Z","fee":0}}"#,
        #"{"type":"NoticeDelivered","line":"+989351112233","occurredAt":"2025-02-02T18:10:04Z","data":{"noticeId":"N-7"}}"#,
        #"{"type":"UsageRecorded","line":"+989351112233","occurredAt":"2025-02-03T09:00:00Z","data":{"amount":70000,"description":"roaming data"}}"#,
        #"{"type":"NoticeSent","line":"+989351112233","occurredAt":"2025-02-03T19:00:00Z","data":{"noticeId":"N-8","kind":"oneWayCut","channel":"sms","fee":0}}"#,
        #"{"type":"LineSuspended","line":"+989351112233","occurredAt":"2025-02-03T19:00:00Z","data":{"direction":"oneWay","reason":"threshold","debtLine":"+989351112233"}}"#,
        #"{"type":"PaymentReceived","line":"+989351112233","occurredAt":"2025-02-04T08:15:00Z","data":{"paymentId":"P-31","amount":315000,"method":"card"}}"#,
        #"{"type":"LineRestored","line":"+989351112233","occurredAt":"2025-02-04T08:20:00Z","data":{"reconnectionFee":0}}"#,
    ]

    static var text: String { lines.joined(separator: "\n") + "\n" }

    /// The variant: the cut notice and the cut at 18:10:02, after the deadline as written
    /// but before 24 hours from delivery (CUT-1).
    static var earlyCutText: String {
        var variant = lines
        for index in [7, 8] {
            variant[index] = variant[index].replacing("2025-02-03T19:00:00Z", with: "2025-02-03T18:10:02Z")
        }
        return variant.joined(separator: "\n") + "\n"
    }

    /// The facts with line `number` (1-based) replaced by `text`.
    static func with(line number: Int, replacedBy text: String) -> String {
        var changed = lines
        changed[number - 1] = text
        return changed.joined(separator: "\n") + "\n"
    }
}
