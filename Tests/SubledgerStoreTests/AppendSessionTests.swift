import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

struct SessionAbandoned: Error {}

@Suite("Append sessions: many batches, one transaction")
struct AppendSessionTests {
    @Test(arguments: Backend.allCases)
    func everyBatchOfASessionCommitsTogether(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let results = try fixture.store.withAppendSession { session in
            let first = try session.append([paymentEvent("+98911", amount: 1), paymentEvent("+98912", amount: 2)])
            #expect(try session.version(of: .line("+98911")) == 1)
            let second = try session.append(
                [paymentEvent("+98911", amount: 3)], expecting: [.line("+98911"): .exactly(1)])
            return (first, second)
        }
        #expect(results.0.positions == [1, 2])
        #expect(results.1.positions == [3])
        #expect(try fixture.store.verify().verifiedCount == 3)
    }

    @Test(arguments: Backend.allCases)
    func aThrowAnywhereInTheSessionWritesNothing(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98910", amount: 9)])
        #expect(throws: SessionAbandoned.self) {
            try fixture.store.withAppendSession { session in
                try session.append([paymentEvent("+98911", amount: 1)])
                try session.append([paymentEvent("+98912", amount: 2)])
                throw SessionAbandoned()
            }
        }
        #expect(throws: EventStoreError.self) {
            try fixture.store.withAppendSession { session in
                try session.append([paymentEvent("+98911", amount: 1)])
                try session.append([paymentEvent("+98911", amount: 2)], expecting: [.line("+98911"): .noStream])
            }
        }
        #expect(try fixture.store.head().position == 1)
        #expect(try fixture.store.version(of: .line("+98911")) == 0)
    }

    @Test func aSessionThatFillsTheMapIsRunAgainAndLosesNothing() throws {
        let fixture = try StoreFixture(.lmdb, initialMapSizeBytes: 64 << 10)
        var runs = 0
        try fixture.store.withAppendSession { session in
            runs += 1
            for batch in 0..<10 {
                try session.append((0..<200).map { paymentEvent("+9891\(($0 + batch) % 40)", amount: Int64($0 + 1)) })
            }
        }
        #expect(runs > 1)
        #expect(try fixture.store.head().position == 2000)
        #expect(try fixture.store.verify().isValid)
    }
}
