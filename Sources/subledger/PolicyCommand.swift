import ArgumentParser
import Foundation
import SubledgerLedger
import SubledgerStore

/// `subledger policy adopt FILE` / `subledger policy list`: editions as facts (POL-3).
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Editions of the directive as facts (POL-3): adopt an edition file, list the editions known.",
        subcommands: [PolicyAdoptCommand.self, PolicyListCommand.self]
    )
}

/// `subledger policy adopt FILE [--at T]`: records the edition file as a
/// `PolicyEditionAdopted` fact in the policy stream `debtor-subscribers`.
struct PolicyAdoptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Records an edition file (one JSON object) as a PolicyEditionAdopted fact (POL-3).",
        discussion: """
            The file has an id (new: an edition adopted is a fact, a revision is a new edition), an \
            effectiveDate (a date, 00:00 Tehran time on it, or an RFC 3339 time), an optional basedOn \
            (default 2021: the edition whose parameters it keeps where it sets none, built in or adopted \
            before) and any parameter of docs/rules-as-data.md by its name. An unknown parameter is \
            refused with the file, its line and the field; nothing is recorded then. The ledger knows \
            the edition from --at (the adoption, default now) and it is in force from its effectiveDate.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The edition file (JSON).") var file: String
    @Option(
        name: .long,
        help: ArgumentHelp("When the edition is adopted (\(TimeArgument.help); default: now).", valueName: "time"),
        transform: TimeArgument.parse)
    var at: Timestamp?
    @Flag(name: .long, help: "Print one JSON document: {edition, position, adoptedAt}.") var json = false

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure(file: file, "cannot read the edition file: \(error.localizedDescription)")
        }
        let adopted: PolicyEditionAdopted
        do {
            adopted = try PolicyEditionAdopted(jsonText: text)
        } catch {
            throw Self.failure(error.field, error.reason.description, in: text, file: file)
        }
        let ledger = Ledger(store: try store.openStore(sealing: false))
        let time = at ?? SystemClock().now()
        let fact = LedgerFact(stream: .debtorSubscribersPolicy, occurredAt: time, event: .policyEditionAdopted(adopted))
        let result: AppendResult
        do {
            result = try ledger.record([fact])
        } catch {
            // The field is the fact's (`data.edition.X`): the file's own field is X.
            if let problem = error.factError, problem.field.hasPrefix("data.edition") {
                let inFile =
                    problem.field.hasPrefix("data.edition.")
                    ? String(problem.field.dropFirst("data.edition.".count)) : ""
                throw Self.failure(inFile, problem.reason, in: text, file: file)
            }
            throw CommandFailure(file: file, error.description)
        }
        let id = adopted.editionID ?? ""
        let position = result.positions.last ?? 0
        if json {
            JSONOutput.print([
                "edition": .string(id), "position": .integer(Int64(position)), "adoptedAt": .string(time.rfc3339),
            ])
            return
        }
        print(
            "adopted policy edition \(id) at position \(position) (known from \(DisplayFormat(calendar: ledger.calendar).time(time)))"
        )
    }

    /// A refusal of the file's `field`, with the line of the file where the field is written.
    static func failure(_ field: String, _ reason: String, in text: String, file: String) -> CommandFailure {
        let line = field.isEmpty ? nil : EditionFileLines.line(of: field, in: text)
        return CommandFailure(
            file: file, line: line, field: field.isEmpty ? nil : field,
            field.isEmpty ? reason : "field \(field): \(reason)")
    }
}

/// Where a field of an edition file is written: the line of its key (`"key":`), the
/// first key of the path searched from the start, each next one after it.
enum EditionFileLines {
    static func line(of field: String, in text: String) -> Int? {
        let bytes = Array(text.utf8)
        var from = 0
        var found: Int?
        for key in field.split(separator: ".") {
            guard let at = keyOffset(String(key), in: bytes, from: from) else { break }
            found = at
            from = at + 1
        }
        guard let found else { return nil }
        return bytes[..<found].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// The offset of `"key"` followed by white space and `:`, at or after `from`.
    private static func keyOffset(_ key: String, in bytes: [UInt8], from: Int) -> Int? {
        let quoted = Array("\"\(key)\"".utf8)
        var index = from
        while index + quoted.count <= bytes.count {
            if Array(bytes[index..<index + quoted.count]) == quoted {
                var after = index + quoted.count
                while after < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[after]) { after += 1 }
                if after < bytes.count, bytes[after] == UInt8(ascii: ":") { return index }
            }
            index += 1
        }
        return nil
    }
}

/// `subledger policy list [--json]`: the editions the ledger knows, built in and adopted.
struct PolicyListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The editions the ledger knows (POL-3): built in and adopted, with effective date, adoption and base."
    )

    @OptionGroup var store: StoreOptions
    @Flag(
        name: .long,
        help: "Print one JSON document: an array of {id, effectiveDate, builtIn, adoptedAt, basedOn, position}.")
    var json = false

    func run() throws {
        let ledger = try store.openLedger()
        let editions: PolicyEditions
        do {
            editions = try ledger.knownEditions()
        } catch {
            throw CommandFailure(error)
        }
        if json {
            JSONOutput.print(
                .array(
                    editions.editions.map { edition in
                        var entry: JSONObject = [
                            "id": .string(edition.id), "effectiveDate": .string(edition.effectiveDate.rfc3339),
                            "builtIn": .bool(editions.adoptions[edition.id] == nil),
                        ]
                        if let adoption = editions.adoptions[edition.id] {
                            entry["adoptedAt"] = .string(adoption.adoptedAt.rfc3339)
                            entry["basedOn"] = .string(adoption.basedOn)
                            entry["position"] = .integer(Int64(adoption.position))
                        }
                        return .object(entry)
                    }))
            return
        }
        let format = DisplayFormat(calendar: ledger.calendar)
        var table = TextTable([.left, .left, .left, .left])
        table.add("edition", "in force from (Tehran)", "adopted at (Tehran)", "based on")
        for edition in editions.editions {
            let adoption = editions.adoptions[edition.id]
            table.add(
                edition.id, format.time(edition.effectiveDate),
                adoption.map { "\(format.time($0.adoptedAt)) (position \($0.position))" } ?? "built in",
                adoption?.basedOn ?? "")
        }
        print(table.rendered())
    }
}
