/// Valid input lines of every event type of the catalog, in an order that makes one
/// coherent history (the seed of the JSON Lines fuzzer, and the good lines around the bad
/// ones of the bad-input table).
enum FactCorpus {
    static let line = "+989121110000"

    static let lines: [String] = [
        #"{"type":"SubscriberRegistered","subscriber":"S-300","occurredAt":"2024-01-01T08:00:00Z","eventId":"6f1c7d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","data":{"subscriberId":"S-300","kind":"individual","governmental":false,"name":"Maryam Rahimi","nationalId":"0098765432"}}"#,
        #"{"type":"IdentityVerified","subscriber":"S-300","occurredAt":"2024-01-01T08:05:00Z","data":{"documents":["national-id-card","utility-bill"]}}"#,
        #"{"type":"LineActivated","line":"+989121110000","occurredAt":"2024-01-02T09:00:00Z","data":{"subscriberId":"S-300","service":"mobile","plan":"deposit","connectionFee":50000,"vanityPremium":0}}"#,
        #"{"type":"DepositPaid","line":"+989121110000","occurredAt":"2024-01-02T09:05:00Z","data":{"amount":1000000}}"#,
        #"{"type":"GuaranteePaid","line":"+989121110000","occurredAt":"2024-01-02T09:06:00Z","data":{"amount":500000}}"#,
        #"{"type":"UsageRecorded","line":"+989121110000","occurredAt":"2024-02-01T10:00:00Z","metadata":{"actor":"billing","source":"cdr"},"data":{"amount":300000,"description":"calls and data"}}"#,
        #"{"type":"InvoiceIssued","line":"+989121110000","occurredAt":"2024-02-02T00:00:00Z","data":{"invoiceId":"I-1","periodStart":"2024-01-02T00:00:00Z","periodEnd":"2024-02-01T23:59:59Z","items":[{"description":"usage","amount":300000}],"total":300000,"dueAt":"2024-02-16T00:00:00Z"}}"#,
        #"{"type":"NoticeSent","line":"+989121110000","occurredAt":"2024-02-02T00:10:00Z","data":{"noticeId":"N-1","kind":"invoice","channel":"sms","fee":0}}"#,
        #"{"type":"NoticeDelivered","line":"+989121110000","occurredAt":"2024-02-02T00:10:05Z","data":{"noticeId":"N-1"}}"#,
        #"{"type":"PaymentReceived","line":"+989121110000","occurredAt":"2024-02-10T12:00:00Z","data":{"paymentId":"P-1","amount":100000,"method":"card"}}"#,
        #"{"type":"PaymentReversed","line":"+989121110000","occurredAt":"2024-02-11T12:00:00Z","data":{"paymentId":"P-1"}}"#,
        #"{"type":"NoticeSent","line":"+989121110000","occurredAt":"2024-02-20T08:00:00Z","data":{"noticeId":"N-2","kind":"overdue","channel":"letter","deadline":"2024-03-01T08:00:00.000Z","fee":0}}"#,
        #"{"type":"NoticeDeliveryFailed","line":"+989121110000","occurredAt":"2024-02-21T08:00:00Z","data":{"noticeId":"N-2"}}"#,
        #"{"type":"LateFeeCharged","line":"+989121110000","occurredAt":"2024-02-22T08:00:00Z","data":{"amount":15000}}"#,
        #"{"type":"LineSuspended","line":"+989121110000","occurredAt":"2024-03-02T08:00:00Z","data":{"direction":"oneWay","reason":"overdue","debtLine":"+989121110000"}}"#,
        #"{"type":"LineRestored","line":"+989121110000","occurredAt":"2024-03-03T08:00:00Z","data":{"reconnectionFee":20000}}"#,
        #"{"type":"UsageRecorded","line":"+989121110000","occurredAt":"2024-03-10T08:00:00Z","data":{"amount":45000,"description":"رومینگ"}}"#,
        #"{"type":"DepositRefunded","line":"+989121110000","occurredAt":"2024-04-01T08:00:00Z","data":{"amount":200000}}"#,
        #"{"type":"GuaranteeReleased","line":"+989121110000","occurredAt":"2024-04-01T08:01:00Z","data":{"amount":500000}}"#,
        #"{"type":"LineRevoked","line":"+989121110000","occurredAt":"2024-05-01T08:00:00Z","data":{"reason":"subscriber request"}}"#,
        #"{"type":"ExpertValuationRecorded","line":"+989121110000","occurredAt":"2024-05-02T08:00:00Z","data":{"amount":3000000}}"#,
        #"{"type":"AuctionSold","line":"+989121110000","occurredAt":"2024-05-10T08:00:00Z","data":{"price":3500000}}"#,
        #"{"type":"SubscriptionValueSettled","line":"+989121110000","occurredAt":"2024-05-11T08:00:00Z","data":{"value":0}}"#,
        #"{"type":"RefundPaid","line":"+989121110000","occurredAt":"2024-05-12T08:00:00Z","data":{"amount":100000}}"#,
    ]
}
