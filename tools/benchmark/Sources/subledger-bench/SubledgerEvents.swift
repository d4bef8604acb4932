import SubledgerStore

/// The benchmark's events as subledger takes them.
struct SubledgerEvents {
    let eventSet: EventSet
    /// Each line's stream.
    let streams: [StreamID]

    init(eventSet: EventSet) {
        self.eventSet = eventSet
        streams = eventSet.lines.map(StreamID.line)
    }

    func proposedEvent(_ event: BenchmarkEvent) -> ProposedEvent {
        ProposedEvent(
            eventID: EventID(high: event.idHigh, low: event.idLow),
            type: BenchmarkEvent.type,
            stream: streams[Int(event.lineIndex)],
            occurredAt: Timestamp(millisecondsSinceEpoch: event.occurredAt),
            data: ["amount": .integer(Int64(event.amount)), "description": .string(BenchmarkEvent.description)],
            metadata: ["source": BenchmarkEvent.source]
        )
    }

    /// The event as recorded at `position`, with zero hashes (for the sub-steps).
    func recordedEvent(_ event: BenchmarkEvent, position: Int) -> RecordedEvent {
        let proposed = proposedEvent(event)
        return RecordedEvent(
            position: UInt64(position), streamVersion: 1,
            recordedAt: Timestamp(millisecondsSinceEpoch: event.occurredAt + 500),
            eventID: proposed.eventID, type: proposed.type, stream: proposed.stream, occurredAt: proposed.occurredAt,
            data: proposed.data, metadata: proposed.metadata, previousHash: .zero, hash: .zero
        )
    }
}
