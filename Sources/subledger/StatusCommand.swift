import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger status LINE`: the line's state, as it happened, as it was known, or both.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "A line's state: status, plan, service, threshold, debt, credit, overdue, deposit, guarantee, refundDue, lateFees, openComplaints.",
        discussion: """
            Without --as-of the view is as of now: every recorded event that has occurred counts \
            (one dated later does not) and overdue is judged at the present moment. --as-of T counts the events that \
            occurred up to T (and judges overdue at T); \
            --known-at T counts only those recorded up to T; both together apply both filters. \
            Amounts are whole rials.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The line's number in E.164, such as +989121234567.", transform: LineArgument.parse) var line:
        String
    @OptionGroup var viewOptions: HistoryViewOptions
    private var asOf: Timestamp? { viewOptions.asOf }
    private var knownAt: Timestamp? { viewOptions.knownAt }
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func run() throws {
        let ledger = try store.openLedger()
        let report: LineStatusReport
        do {
            report = try ledger.status(of: LineNumber(stored: line), view: viewOptions.view)
        } catch {
            throw CommandFailure(error)
        }
        if json {
            JSONOutput.print(report.json)
            return
        }
        // People read Tehran time with both dates (TIME-1); `--json` keeps UTC RFC 3339.
        let format = DisplayFormat(calendar: ledger.calendar)
        var heading = "line \(report.line)"
        if let asOf { heading += " as of \(format.time(asOf))" }
        if let knownAt { heading += " as known at \(format.time(knownAt))" }
        print(heading)
        let amounts = [
            ("threshold", report.threshold), ("debt", report.debt), ("credit", report.credit),
            ("overdue", report.overdue), ("deposit", report.deposit), ("guarantee", report.guarantee),
            ("refund due", report.refundDue), ("late fees", report.lateFees),
        ]
        var table = TextTable([.left, .left])
        table.add("status", report.status.rawValue)
        table.add("plan", report.plan.rawValue)
        table.add("service", report.service.rawValue)
        table.add("policy edition", report.policyEdition)
        for (label, text) in zip(amounts.map(\.0), Amount.rialsColumn(amounts.map(\.1))) { table.add(label, text) }
        table.add("open complaints", "\(report.openComplaints) (CMP-1)")
        print(table.rendered(indent: "  "))
    }
}
