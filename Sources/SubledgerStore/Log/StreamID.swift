/// A stream of the log: a kind of stream (its category) and an id within it.
///
/// The store is domain-agnostic (issue 12, item 3): it knows streams by category and id and
/// names no category itself; the ledger names its kinds (`line`, `subscriber`, `policy`:
/// `StreamID.line(_:)` and the others are the ledger's). `category` is the JSON member that
/// names the stream in an event of the interchange format, `id` that member's value.
///
/// Which categories a stream may have (``problem``, checked on every append): 1 to
/// ``maximumCategoryBytes`` UTF-8 bytes, no NUL (the indexes' keys end it with one), and
/// none of ``reservedCategories``, the members every exported event has beside its stream's
/// (`type`, `data`, `hash`, ...): the export line would hold a duplicate key. Where the
/// category's member falls among the others in the canonical JSON follows from its bytes
/// alone (``EventJSON``), so any allowed category hashes as interchange.md says.
public struct StreamID: Hashable, Sendable, CustomStringConvertible {
    /// The member that names the stream in the interchange format, such as `line`.
    public var category: String
    /// The stream's id within its category, such as `+989121234567`.
    public var id: String

    /// The longest id, in UTF-8 bytes: keys of LMDB are bounded (511 bytes).
    public static let maximumIDBytes = StoreLimits.streamIDBytes
    /// The longest category name, in UTF-8 bytes.
    public static let maximumCategoryBytes = StoreLimits.streamCategoryBytes

    /// The stream `id` of the kind `category`, unchecked (an append refuses a stream it cannot store).
    /// - Parameters:
    ///   - category: The member that names the stream, such as `line`.
    ///   - id: The stream's id within its category.
    public init(category: String, id: String) {
        self.category = category
        self.id = id
    }

    /// The names no category may have: the members of every exported event other than
    /// its stream's (interchange.md), in whichever format.
    public static var reservedCategories: Set<String> { EventJSON.exportedFields }

    /// The category and the id, as messages name the stream (`line +989121234567`).
    public var description: String { "\(category) \(id)" }

    /// Why this stream cannot be stored, or `nil` when it can.
    var problem: String? {
        if id.isEmpty { return "the \(category) is empty" }
        if id.utf8.count > StreamID.maximumIDBytes {
            return "the \(category) is longer than \(StreamID.maximumIDBytes) bytes (StoreLimits.streamIDBytes)"
        }
        if id.utf8.contains(0) { return "the \(category) contains a NUL character" }
        if category.isEmpty || category.utf8.count > StreamID.maximumCategoryBytes || category.utf8.contains(0) {
            return
                "the stream category \"\(category)\" is empty, longer than \(StreamID.maximumCategoryBytes) bytes (StoreLimits.streamCategoryBytes) or contains NUL"
        }
        // The category is a member of the export line beside these: one of them would be a duplicate key.
        if StreamID.reservedCategories.contains(category) {
            return
                "the stream category \"\(category)\" is a field of every exported event: an export could not be read back"
        }
        return nil
    }

    /// The prefix of this stream's keys in the indexes: category, NUL, id, NUL.
    var keyPrefix: [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(category.utf8.count + id.utf8.count + 2)
        key.append(contentsOf: category.utf8)
        key.append(0)
        key.append(contentsOf: id.utf8)
        key.append(0)
        return key
    }
}

/// What a writer expects of a stream's version before its events are appended.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// Whatever the stream holds.
    case any
    /// The stream has no event yet.
    case noStream
    /// The stream's last event has exactly this version.
    case exactly(UInt64)

    /// The expectation in words, as a version conflict's message says it.
    public var description: String {
        switch self {
        case .any: "any version"
        case .noStream: "no stream"
        case .exactly(let version): "version \(version)"
        }
    }

    func accepts(currentVersion: UInt64) -> Bool {
        switch self {
        case .any: true
        case .noStream: currentVersion == 0
        case .exactly(let version): currentVersion == version
        }
    }
}
