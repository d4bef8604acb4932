import SubledgerStore

extension SubscriberState {
    /// The state's bytes in the stored subscriber projection.
    func write(to writer: inout StateWriter) {
        writer.string(registration.subscriberID)
        writer.choice(registration.kind)
        writer.bool(registration.governmental)
        // Commitments only: the stored projection never holds a personal value (RET-1).
        writer.optional(registration.nameCommitment) { $0.string($1.hex) }
        writer.optional(registration.nationalIDCommitment) { $0.string($1.hex) }
        writer.time(registeredAt)
        writer.optional(erasedAt) { $0.time($1) }
        writer.optional(verifiedAt) { $0.time($1) }
        writer.array(documents) { $0.string($1) }
        writer.array(lines) { $0.string($1) }
        writer.optional(lastVerifiedAt) { $0.time($1) }
    }

    /// Reads what ``write(to:)`` wrote.
    static func read(from reader: inout StateReader) throws(StateBytesError) -> SubscriberState {
        let registration = RegisteredSubscriber(
            subscriberID: try reader.string(), kind: try reader.choice(SubscriberRegistered.Kind.self),
            governmental: try reader.bool(), nameCommitment: try reader.optional(commitment),
            nationalIDCommitment: try reader.optional(commitment))
        var state = SubscriberState(registration: registration, at: try reader.time())
        state.erasedAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.verifiedAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.documents = try reader.array { reader throws(StateBytesError) in try reader.string() }
        state.lines = try reader.array { reader throws(StateBytesError) in try reader.string() }
        state.lastVerifiedAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        return state
    }

    private static func commitment(_ reader: inout StateReader) throws(StateBytesError) -> ChainHash {
        guard let commitment = ChainHash(hex: try reader.string()) else {
            throw StateBytesError(reason: "a commitment is not 64 hex digits")
        }
        return commitment
    }
}
