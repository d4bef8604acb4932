import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger due`: the operator's work list at a time.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "The operator's work list: notices owed, cuts, revocations and auctions now allowed, refunds owed.",
        discussion: """
            Each entry names the line, the action (notice, oneWayCut, twoWayCut, writtenWarning, \
            revoke, auction, refund, restore, erase, answer), the rule that owes or allows it, and since when; \
            an answer (CMP-1) names the complaint, an erase the subscriber.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(
        name: .long,
        help: ArgumentHelp("The moment to judge at (\(TimeArgument.help); default: now).", valueName: "time"),
        transform: TimeArgument.parse)
    var at: Timestamp?
    @Flag(
        name: .long,
        help: "Print one JSON document: an array of {line, action, rule, since} (and complaint or subscriber).")
    var json = false

    func run() throws {
        let ledger = try store.openLedger()
        let time = at ?? SystemClock().now()
        let entries: [DueAction]
        do {
            entries = try ledger.due(at: time)
        } catch {
            throw CommandFailure(error)
        }
        if json {
            JSONOutput.print(.array(entries.map { .object($0.json) }))
            return
        }
        // People read Tehran time with both dates (TIME-1); `--json` keeps UTC RFC 3339.
        let format = DisplayFormat(calendar: ledger.calendar)
        guard !entries.isEmpty else {
            print("nothing due at \(format.time(time))")
            return
        }
        print("\(entries.count) action\(entries.count == 1 ? "" : "s") due at \(format.time(time))")
        var table = TextTable([.left, .left, .left, .left])
        table.add("line", "action", "rule", "since (Tehran)")
        for entry in entries {
            let action = entry.complaint.map { "\(entry.action.rawValue) \($0)" } ?? entry.action.rawValue
            table.add(
                entry.subscriber.map { "\($0) (\(entry.line))" } ?? entry.line, action, entry.rule.rawValue,
                format.time(entry.since))
        }
        print(table.rendered(indent: "  "))
    }
}
