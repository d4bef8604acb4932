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

    /// A set of editions; refuses an empty set, two editions with one id, or two taking
    /// effect at the same instant.
    public init(_ editions: [PolicyEdition]) throws(PolicyEditionError) {
        guard !editions.isEmpty else { throw PolicyEditionError(field: "", reason: .noEditions) }
        let sorted = editions.sorted { $0.effectiveDate < $1.effectiveDate }
        var ids: Set<String> = []
        for (index, edition) in sorted.enumerated() {
            guard ids.insert(edition.id).inserted else {
                throw PolicyEditionError(field: "id", reason: .duplicateIdentifier(edition.id))
            }
            if index > 0, sorted[index - 1].effectiveDate == edition.effectiveDate {
                throw PolicyEditionError(field: "effectiveDate", reason: .duplicateEffectiveDate(edition.effectiveDate.rfc3339))
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
    public func edition(at time: Timestamp) -> PolicyEdition {
        editions.last { $0.effectiveDate <= time } ?? oldest
    }

    /// The edition with this id, if any.
    public func edition(id: String) -> PolicyEdition? {
        editions.first { $0.id == id }
    }

    /// The edition with the earliest effective date.
    public var oldest: PolicyEdition { editions[0] }
    /// The edition with the latest effective date.
    public var newest: PolicyEdition { editions[editions.count - 1] }

    /// These editions with `added`: an edition of the same id is replaced.
    public func merging(_ added: [PolicyEdition]) throws(PolicyEditionError) -> PolicyEditions {
        let addedIDs = Set(added.map(\.id))
        return try PolicyEditions(editions.filter { !addedIDs.contains($0.id) } + added)
    }

    /// The editions of every `*.json` file in `directory` (in file-name order), added to
    /// the built-in ones when `includingBuiltIn` (a file with a built-in id replaces it).
    public static func load(directory: String, includingBuiltIn: Bool = true) throws(PolicyEditionError) -> PolicyEditions {
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
