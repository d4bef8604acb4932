import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// A stream of hundreds of events is decoded in two halves on two cores: the same events
/// in the same order as a read of the whole log gives, and a damaged record in either half
/// is named.
@Suite("Long streams read on two cores")
struct LongStreamReadTests {
    @Test(arguments: Backend.allCases)
    func aLongStreamReadsInOrderAndNamesADamagedRecord(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend, initialMapSizeBytes: 16 << 20)
        for batch in 0..<12 {
            try fixture.store.append(
                (0..<100).map { paymentEvent($0 % 3 == 0 ? "+98922" : "+98911", amount: Int64(batch * 100 + $0)) })
        }
        let stream = try fixture.store.events(in: .line("+98911"))
        var expected: [RecordedEvent] = []
        try fixture.store.forEachEvent { if $0.stream == .line("+98911") { expected.append($0) } }
        #expect(stream.count == 792)
        #expect(stream == expected)
        #expect(try fixture.store.events(in: .line("+98911"), from: 700).map(\.streamVersion) == Array(700...792))

        for position in [expected[10].position, expected[700].position] {
            try fixture.store.corruptStoredEvent(at: position, byteOffset: 24)
            let error = #expect(throws: EventStoreError.self) { try fixture.store.events(in: .line("+98911")) }
            #expect(error?.position == position, "\(String(describing: error))")
            try fixture.store.corruptStoredEvent(at: position, byteOffset: 24)  // flips the bits back
        }
        #expect(try fixture.store.events(in: .line("+98911")) == expected)
    }
}
