public import SubledgerStore
import Foundation

/// The editions of the directive the ledger knows, ordered by effective date (POL-1).
///
/// Every decision uses the edition in force at the time of the event it judges: the one
/// with the latest effective date at or before that time. Before every edition, the oldest
/// is in force (the sources do not say what came before it).
public struct PolicyEditions: Hashable, Sendable {
    /// The editions, earliest effective date first.
    public let editions: [PolicyEdition]
    /// The adoption of each edition adopted as a fact (POL-3), by edition id; the built-in
    /// editions (and those given in code) have none: they are known at every time.
    public let adoptions: [String: PolicyAdoption]

    /// A set of editions; refuses an empty set, two editions with one id, or two taking
    /// effect at the same instant.
    ///
    /// - Parameters:
    ///   - editions: the editions, in any order; none is adopted (each is known at every time).
    /// - Throws: ``PolicyEditionError``: ``PolicyEditionError/Reason/noEditions``,
    ///   ``PolicyEditionError/Reason/duplicateIdentifier(_:)`` or
    ///   ``PolicyEditionError/Reason/duplicateEffectiveDate(_:)``.
    public init(_ editions: [PolicyEdition]) throws(PolicyEditionError) {
        try self.init(editions, adoptions: [:])
    }

    private init(_ editions: [PolicyEdition], adoptions: [String: PolicyAdoption]) throws(PolicyEditionError) {
        self.adoptions = adoptions
        guard !editions.isEmpty else { throw PolicyEditionError(field: "", reason: .noEditions) }
        let sorted = editions.sorted { $0.effectiveDate < $1.effectiveDate }
        var ids: Set<String> = []
        for (index, edition) in sorted.enumerated() {
            guard ids.insert(edition.id).inserted else {
                throw PolicyEditionError(field: "id", reason: .duplicateIdentifier(edition.id))
            }
            if index > 0, sorted[index - 1].effectiveDate == edition.effectiveDate {
                throw PolicyEditionError(
                    field: "effectiveDate", reason: .duplicateEffectiveDate(edition.effectiveDate.rfc3339))
            }
        }
        self.editions = sorted
    }

    /// The two editions in the sources: ``PolicyEdition/older`` and
    /// ``PolicyEdition/edition2021``.
    public static let builtIn: PolicyEditions = {
        do {
            return try PolicyEditions([.older, .edition2021])
        } catch {
            preconditionFailure("the built-in policy editions are inconsistent: \(error)")
        }
    }()

    /// The edition in force at `time` (POL-1): the latest effective date at or before
    /// `time`; the oldest edition when `time` is before all of them.
    ///
    /// - Parameters:
    ///   - time: the instant judged (an event's `occurredAt`).
    /// - Returns: the edition in force then.
    public func edition(at time: Timestamp) -> PolicyEdition {
        editions.last { $0.effectiveDate <= time } ?? oldest
    }

    /// The edition with this id, if any.
    ///
    /// - Parameters:
    ///   - id: the edition's id.
    /// - Returns: the edition, or `nil` when none has `id`.
    public func edition(id: String) -> PolicyEdition? {
        editions.first { $0.id == id }
    }

    /// The edition with the earliest effective date.
    public var oldest: PolicyEdition { editions[0] }
    /// The edition with the latest effective date.
    public var newest: PolicyEdition { editions[editions.count - 1] }

    /// These editions with `added`: an edition of the same id is replaced.
    /// The adoptions of the replaced editions are dropped.
    ///
    /// - Parameters:
    ///   - added: the editions to add or replace.
    /// - Returns: the merged set.
    /// - Throws: ``PolicyEditionError`` as ``init(_:)``: two editions of `added` with one id, or two editions
    ///   of the result taking effect at the same instant.
    public func merging(_ added: [PolicyEdition]) throws(PolicyEditionError) -> PolicyEditions {
        let addedIDs = Set(added.map(\.id))
        return try PolicyEditions(
            editions.filter { !addedIDs.contains($0.id) } + added,
            adoptions: adoptions.filter { !addedIDs.contains($0.key) })
    }

    // MARK: POL-3: editions adopted as facts

    /// These editions with the one `adopted` (a `PolicyEditionAdopted` at `adoptedAt`, at
    /// `position` in the log): its `basedOn` is resolved against these editions (the ones
    /// known at its adoption: built in, or adopted before it). Refuses an id already known
    /// (an adopted edition is a fact: a revision is a new edition with a new id), an unknown
    /// `basedOn`, or an effective date another edition has.
    ///
    /// - Parameters:
    ///   - adopted: the fact's payload: the edition file and its `basedOn`.
    ///   - adoptedAt: the fact's `occurredAt`.
    ///   - position: the fact's position in the log.
    /// - Returns: these editions with the adopted one and its ``PolicyAdoption``.
    /// - Throws: ``PolicyEditionError``: ``PolicyEditionError/Reason/unknownChoice(_:allowed:)`` for
    ///   `basedOn`, ``PolicyEditionError/Reason/alreadyKnown(_:)``,
    ///   ``PolicyEditionError/Reason/duplicateEffectiveDate(_:)``, or what
    ///   ``PolicyEdition/init(file:base:checkingBase:)`` throws for the file.
    public func adopting(_ adopted: PolicyEditionAdopted, at adoptedAt: Timestamp, position: UInt64)
        throws(PolicyEditionError) -> PolicyEditions
    {
        let basedOn = adopted.basedOn
        guard let base = edition(id: basedOn) else {
            throw PolicyEditionError(field: "basedOn", reason: .unknownChoice(basedOn, allowed: editions.map(\.id)))
        }
        let edition = try PolicyEdition(file: adopted.edition, base: base)
        guard self.edition(id: edition.id) == nil else {
            throw PolicyEditionError(field: "id", reason: .alreadyKnown(edition.id))
        }
        var adoptions = adoptions
        adoptions[edition.id] = PolicyAdoption(
            editionID: edition.id, basedOn: basedOn, adoptedAt: adoptedAt, position: position)
        return try PolicyEditions(editions + [edition], adoptions: adoptions)
    }

    /// The editions the ledger knew at `time` (POL-3): the built-in ones and those adopted at
    /// or before `time` (a `PolicyEditionAdopted`'s `occurredAt`).
    ///
    /// - Parameters:
    ///   - time: the instant judged.
    /// - Returns: the editions known then; `self` when none was adopted after `time`.
    public func known(at time: Timestamp) -> PolicyEditions {
        guard !isComplete(at: time) else { return self }
        let known = editions.filter { adoptions[$0.id].map { $0.adoptedAt <= time } ?? true }
        do {
            return try PolicyEditions(known, adoptions: adoptions.filter { $0.value.adoptedAt <= time })
        } catch {
            return self  // never: a subset of a valid set, holding every edition not adopted
        }
    }

    /// ``known(at:)`` for every time, computed once: one set per adoption (editions are few),
    /// for the audit, which asks it of every action.
    struct KnownByTime: Sendable {
        let all: PolicyEditions
        /// The distinct adoption times, earliest first.
        private let times: [Timestamp]
        /// `sets[i]`: the editions known before `times[i]`.
        private let sets: [PolicyEditions]

        init(_ all: PolicyEditions) {
            self.all = all
            times = Set(all.adoptions.values.map(\.adoptedAt)).sorted()
            sets = times.map { all.known(at: Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch - 1)) }
        }

        /// The editions known at `time`: ``PolicyEditions/known(at:)``.
        func at(_ time: Timestamp) -> PolicyEditions {
            guard let index = times.firstIndex(where: { $0 > time }) else { return all }
            return sets[index]
        }
    }

    /// Whether every edition was known at `time` (none adopted after it).
    ///
    /// - Parameters:
    ///   - time: the instant judged.
    /// - Returns: `true` when no edition was adopted after `time`.
    public func isComplete(at time: Timestamp) -> Bool {
        adoptions.values.allSatisfy { $0.adoptedAt <= time }
    }

    /// The editions of every `*.json` file in `directory` (in file-name order), added to
    /// the built-in ones when `includingBuiltIn` (a file with a built-in id replaces it).
    ///
    /// - Parameters:
    ///   - directory: the directory's path.
    ///   - includingBuiltIn: whether the built-in editions are kept.
    /// - Returns: the set of editions.
    /// - Throws: ``PolicyEditionError``: ``PolicyEditionError/Reason/unreadableFile(_:)`` naming the
    ///   directory, what ``PolicyEdition/load(from:)`` throws for a file, or what ``init(_:)`` throws for
    ///   the set (``PolicyEditionError/Reason/noEditions`` when there are neither files nor built-in ones).
    public static func load(directory: String, includingBuiltIn: Bool = true) throws(PolicyEditionError)
        -> PolicyEditions
    {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PolicyEditionError(field: "", reason: .unreadableFile(String(describing: error)), file: directory)
        }
        var loaded: [PolicyEdition] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            loaded.append(try PolicyEdition.load(from: path))
        }
        return includingBuiltIn ? try builtIn.merging(loaded) : try PolicyEditions(loaded)
    }
}

/// How an edition became known (POL-3): the `PolicyEditionAdopted` fact that adopted it.
public struct PolicyAdoption: Hashable, Sendable {
    /// The edition's id.
    public let editionID: String
    /// The id of the edition whose parameters it keeps where it sets none.
    public let basedOn: String
    /// When it was adopted (the fact's `occurredAt`): the ledger knows it from then on.
    public let adoptedAt: Timestamp
    /// The fact's position in the log.
    public let position: UInt64

    /// The adoption of `editionID` by the fact at `position`.
    ///
    /// - Parameters:
    ///   - editionID: the edition's id.
    ///   - basedOn: the id of the edition it is based on.
    ///   - adoptedAt: the fact's `occurredAt`.
    ///   - position: the fact's position in the log.
    public init(editionID: String, basedOn: String, adoptedAt: Timestamp, position: UInt64) {
        self.editionID = editionID
        self.basedOn = basedOn
        self.adoptedAt = adoptedAt
        self.position = position
    }
}
