import Foundation
import Testing
import SubledgerStore

/// Issue 9 item 2: `apply` and `import` refuse a fact dated more than 5 minutes after the
/// store's present, naming the field occurredAt, and record nothing.
@Suite("Facts from the future are bad input (apply, import)")
struct FutureFactsCommandTests {
    static let history =
        [
            #"{"type":"SubscriberRegistered","subscriber":"S-1","occurredAt":"2024-01-01T08:00:00Z","data":{"subscriberId":"S-1","kind":"individual","governmental":false,"name":"Test","nationalId":"0012345678"}}"#,
            #"{"type":"IdentityVerified","subscriber":"S-1","occurredAt":"2024-01-01T09:00:00Z","data":{"documents":["id"]}}"#,
            #"{"type":"LineActivated","line":"+989121234567","occurredAt":"2024-01-02T08:00:00Z","data":{"subscriberId":"S-1","service":"mobile","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#,
            #"{"type":"UsageRecorded","line":"+989121234567","occurredAt":"2024-02-01T08:00:00Z","data":{"amount":250000,"description":"calls"}}"#,
        ].joined(separator: "\n") + "\n"

    @Test func applyOfANoticeDatedTomorrowAndImportOfTheYear2999AreRefused() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("history.jsonl", Self.history)).status == 0)
        let head = try sandbox.storeHead()

        let tomorrow = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000)
        let notice =
            #"{"type":"NoticeSent","line":"+989121234567","occurredAt":""# + tomorrow.rfc3339
            + #"","data":{"noticeId":"N-1","kind":"thresholdWarning","channel":"sms","deadline":"2999-01-01T00:00:00Z","fee":0}}"#
            + "\n"
        let applied = try sandbox.subledger("apply", try sandbox.file("notice.jsonl", notice))
        #expect(applied.status != 0)
        #expect(applied.stderr.contains("occurredAt"), "\(applied.stderr)")
        #expect(try sandbox.storeHead() == head)

        let far =
            #"{"type":"UsageRecorded","line":"+989121234567","occurredAt":"2999-01-01T00:00:00Z","data":{"amount":5,"description":"x"}}"#
            + "\n"
        let imported = try sandbox.subledger("import", try sandbox.file("far.jsonl", far))
        #expect(imported.status != 0)
        #expect(imported.stderr.contains("far.jsonl:1"), "\(imported.stderr)")
        #expect(imported.stderr.contains("occurredAt"), "\(imported.stderr)")
        #expect(try sandbox.storeHead() == head)
    }
}
