import SubledgerStore

extension SubscriberState {
    /// The state's bytes in the stored subscriber projection.
    func write(to writer: inout StateWriter) {
        writer.string(registration.subscriberID)
        writer.choice(registration.kind)
        writer.bool(registration.governmental)
        writer.string(registration.name)
        writer.string(registration.nationalID)
        writer.time(registeredAt)
        writer.optional(verifiedAt) { $0.time($1) }
        writer.array(documents) { $0.string($1) }
        writer.array(lines) { $0.string($1) }
    }

    /// Reads what ``write(to:)`` wrote.
    static func read(from reader: inout StateReader) throws(StateBytesError) -> SubscriberState {
        let registration = SubscriberRegistered(subscriberID: try reader.string(), kind: try reader.choice(SubscriberRegistered.Kind.self),
                                                governmental: try reader.bool(), name: try reader.string(), nationalID: try reader.string())
        var state = SubscriberState(registration: registration, at: try reader.time())
        state.verifiedAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.documents = try reader.array { reader throws(StateBytesError) in try reader.string() }
        state.lines = try reader.array { reader throws(StateBytesError) in try reader.string() }
        return state
    }
}
