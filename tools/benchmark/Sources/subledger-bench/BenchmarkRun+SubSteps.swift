import SubledgerStore

extension BenchmarkRun {
    /// Sub-steps of subledger's append, timed on their own through its public API (CPU time).
    mutating func runSubSteps() {
        let count = min(options.eventCount, 100_000)
        let events = SubledgerEvents(eventSet: eventSet)
        let recorded = eventSet.events.prefix(count).enumerated().map { events.recordedEvent($1, position: $0 + 1) }

        // Canonical JSON + SHA-256, chained as the append does.
        var hashing = Stopwatch()
        var previous = ChainHash.zero
        hashing.measure {
            for var event in recorded {
                event.previousHash = previous
                previous = EventJSON.computeHash(of: event)
            }
        }
        precondition(previous != .zero)
        details.append(
            String(
                format:
                    "- Sub-step, canonical JSON + SHA-256 of one event (`EventJSON.computeHash`, done once per append and once per verified read): %.2f µs/event of CPU (%ld events).",
                hashing.cpuSeconds / Double(count) * 1e6, count))

        // The canonical JSON alone (the bytes hashed), to split the hash's cost.
        var writing = Stopwatch()
        var bytes: [UInt8] = []
        var written = 0
        writing.measure {
            for event in recorded {
                bytes.removeAll(keepingCapacity: true)
                EventJSON.write(event, includeHashes: false, into: &bytes)
                written &+= bytes.count
            }
        }
        precondition(written > 0)
        details.append(
            String(
                format:
                    "  - of which writing the canonical JSON (`EventJSON.write`, %.0f bytes on average): %.2f µs/event; SHA-256 and the rest: %.2f µs/event.",
                Double(written) / Double(count), writing.cpuSeconds / Double(count) * 1e6,
                (hashing.cpuSeconds - writing.cpuSeconds) / Double(count) * 1e6))

        // Making the ProposedEvents: the caller's work, outside the timed appends.
        var proposing = Stopwatch()
        var made = 0
        proposing.measure {
            for event in eventSet.events.prefix(count) { made &+= events.proposedEvent(event).type.utf8.count }
        }
        precondition(made > 0)
        details.append(
            String(
                format:
                    "- Sub-step, making the `ProposedEvent`s (the caller's work, not in the append rows): %.2f µs/event of CPU.",
                proposing.cpuSeconds / Double(count) * 1e6))

        // The size of an event in the interchange format.
        var total = 0
        for event in recorded.prefix(10_000) {
            bytes.removeAll(keepingCapacity: true)
            EventJSON.write(event, includeHashes: true, into: &bytes)
            total += bytes.count
        }
        details.append(
            String(
                format:
                    "- An event's canonical JSON export line (interchange format, hashes included): mean %.1f bytes; its encoded record in LMDB: %ld bytes.",
                Double(total) / Double(min(count, 10_000)), recordSize))
    }
}
