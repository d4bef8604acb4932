/// An error of the event store: a code to match on and a message a person can read,
/// naming the stream, position or path it is about.
///
/// A struct with open-ended codes, as hummingbird's errors are, so new codes do not break
/// callers that switch over the ones they know.
public struct EventStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, matchable: `error.code == .versionConflict`.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The code's name, as written in messages and matched by callers.
        public var rawValue: String
        /// The code named `rawValue`; the known ones are the static members.
        /// - Parameter rawValue: The code's name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// A stream was not at the version the writer expected; nothing was written.
        public static let versionConflict = Code(rawValue: "versionConflict")
        /// A known event id arrived with different content; nothing was written.
        public static let eventIDReused = Code(rawValue: "eventIdReused")
        /// An event cannot be stored as given (bad stream, type, size); nothing was written.
        public static let invalidEvent = Code(rawValue: "invalidEvent")
        /// A `recordedAt` given for import is before the log's last one, or in the future.
        public static let recordedAtOutOfOrder = Code(rawValue: "recordedAtOutOfOrder")
        /// A stored event does not decode or does not match its hash.
        public static let corrupted = Code(rawValue: "corrupted")
        /// The hash chain does not link: an event's `prevHash` is not its predecessor's hash.
        public static let chainBroken = Code(rawValue: "chainBroken")
        /// The folder holds something that is not a subledger store.
        public static let notAStore = Code(rawValue: "notAStore")
        /// The store was written by a newer subledger, in a format this one cannot read.
        public static let newerFormat = Code(rawValue: "newerFormat")
        /// The store is of format 1 (issue 10): it is read only by `subledger migrate OLD NEW`,
        /// which carries its events into a new store of format 2.
        public static let olderFormat = Code(rawValue: "olderFormat")
        /// A field the store assigns (`position`, `streamVersion`, `prevHash`,
        /// `streamPrevHash`, `hash`), given with the event (``ProposedEvent/assigned``), is
        /// not what the store assigns; nothing was written.
        public static let assignedFieldMismatch = Code(rawValue: "assignedFieldMismatch")
        /// The store's folder cannot be created or written.
        public static let notWritable = Code(rawValue: "notWritable")
        /// The storage engine failed (I/O, disk full, locks); the transaction wrote nothing.
        public static let storage = Code(rawValue: "storage")
        /// Personal data (RET-1) was to be sealed or read without the store's key file
        /// (``EventStore/Options/keyFile``), or with one of another generation or store.
        public static let keysMissing = Code(rawValue: "keysMissing")
        /// An import is in progress (issue 13): its events are being written beyond the
        /// store's visible head, and every other writer is refused at once, never blocked
        /// nor interleaved; the message names the import's first position and start time.
        public static let importInProgress = Code(rawValue: "importInProgress")
    }

    /// What went wrong, to match on.
    public var code: Code
    /// The whole message, for a person.
    public var message: String
    /// The stream concerned, when there is one.
    public var stream: StreamID?
    /// The log position concerned, when there is one.
    public var position: UInt64?
    /// For a version conflict: what the writer expected and what the stream was at.
    public var expectedVersion: ExpectedVersion?
    /// For a version conflict: the version the stream was at.
    public var actualVersion: UInt64?
    /// The event's field at fault, in the interchange format, when there is one.
    public var field: String?

    /// An error of code `code` with `message` and what it is about.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: The whole message, naming what and where.
    ///   - stream: The stream concerned, if any.
    ///   - position: The log position concerned, if any.
    ///   - expectedVersion: For a version conflict, what the writer expected.
    ///   - actualVersion: For a version conflict, the stream's version.
    ///   - field: The event's field at fault, if any.
    public init(
        _ code: Code, _ message: String, stream: StreamID? = nil, position: UInt64? = nil,
        expectedVersion: ExpectedVersion? = nil, actualVersion: UInt64? = nil, field: String? = nil
    ) {
        self.code = code
        self.message = message
        self.stream = stream
        self.position = position
        self.expectedVersion = expectedVersion
        self.actualVersion = actualVersion
        self.field = field
    }

    /// The message.
    public var description: String { message }

    static func versionConflict(_ stream: StreamID, expected: ExpectedVersion, actual: UInt64) -> EventStoreError {
        EventStoreError(
            .versionConflict,
            "version conflict on \(stream): expected \(expected), found version \(actual); nothing was written",
            stream: stream, expectedVersion: expected, actualVersion: actual
        )
    }

    static func corrupted(at position: UInt64, _ reason: String) -> EventStoreError {
        EventStoreError(.corrupted, "stored event at position \(position) is corrupted: \(reason)", position: position)
    }

    /// `error` as an ``EventStoreError``: itself when it is one, a ``Code/storage`` error
    /// naming `action` otherwise.
    /// - Parameters:
    ///   - error: The error caught.
    ///   - action: What was being done, as in "storage failed while `action`".
    /// - Returns: The error to throw.
    public static func storage(_ error: any Error, while action: String) -> EventStoreError {
        if let error = error as? EventStoreError { return error }
        return EventStoreError(.storage, "storage failed while \(action): \(error)")
    }
}
