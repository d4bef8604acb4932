import SubledgerDemo
import SubledgerLedger
import SubledgerStore

/// One batch of `stress-append`: events that mark themselves with the batch's name, their
/// index and the batch's size in their data, so a reader of the store can tell whether a
/// batch is there whole, in part or not at all.
struct StressBatch {
    /// The event type of every stress event.
    static let eventType = "StressAppended"

    /// `WRITER-NUMBER`, unique across the writers of a test.
    let name: String
    let events: [ProposedEvent]
    /// The version each stream of the batch is expected at (with `--expect-versions`).
    var expectedVersions: [String: UInt64] = [:]

    /// The streams a writer appends to: `+9890000000001` and on.
    static func stream(_ index: Int) -> StreamID {
        .line("+98900000\(String(index + 1).leftPadded(to: 5))")
    }

    /// A batch of 1 to `largest` events on streams drawn from the first `streamCount`
    /// (at most two of them), with padding of varied size so the map has to grow.
    init(name: String, random: inout DemoRandom, streamCount: Int, largest: Int) {
        self.name = name
        let size = 1 + Int(random.next() % UInt64(max(largest, 1)))
        let first = Int(random.next() % UInt64(streamCount))
        let second = Int(random.next() % UInt64(streamCount))
        let occurredAt = Timestamp(millisecondsSinceEpoch: 1_735_689_600_000 + Int64(random.next() % 31_536_000_000))
        var events: [ProposedEvent] = []
        for index in 0..<size {
            let padding = String(repeating: "x", count: Int(random.next() % 1500))
            events.append(
                ProposedEvent(
                    eventID: .random(using: &random), type: Self.eventType,
                    stream: Self.stream(index % 2 == 0 ? first : second),
                    occurredAt: occurredAt,
                    data: [
                        "batch": .string(name), "index": .integer(Int64(index)), "size": .integer(Int64(size)),
                        "padding": .string(padding),
                    ],
                    metadata: ["source": "stress-append"]
                ))
        }
        self.events = events
    }

    /// The streams the batch appends to.
    var streams: Set<StreamID> { Set(events.map(\.stream)) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
