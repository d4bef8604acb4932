import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger lines --subscriber ID`: a subscriber's lines with their status, plan and
/// service, so that an officer finds the line a complaint is about.
struct LinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lines",
        abstract: "A subscriber's lines, with their status, plan and service.",
        discussion: """
            Every line activated for the subscriber, in the order they were activated, with its \
            status, plan and service now (as status LINE shows them). A subscriber that does not \
            exist is an error.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The subscriber's id, as in SubscriberRegistered.") var subscriber: String
    @Flag(name: .long, help: "Print one JSON document: {subscriber, lines: [{line, status, plan, service}]}.")
    var json = false

    func validate() throws {
        if subscriber.isEmpty {
            throw ValidationError("the subscriber id is empty: give the id of SubscriberRegistered, such as S-1001")
        }
    }

    func run() throws {
        let ledger = try store.openLedger()
        let reports: [LineStatusReport]
        do throws(LedgerError) {
            let id: SubscriberID
            do { id = try SubscriberID(subscriber) } catch { throw LedgerError.badFact(error) }
            reports = try ledger.subscriber(id).lines.map { line throws(LedgerError) in
                try ledger.status(of: LineNumber(stored: line))
            }
        } catch {
            throw CommandFailure(error)
        }
        if json {
            JSONOutput.print([
                "subscriber": .string(subscriber),
                "lines": .array(
                    reports.map { report in
                        .object([
                            "line": .string(report.line), "status": .string(report.status.rawValue),
                            "plan": .string(report.plan.rawValue), "service": .string(report.service.rawValue),
                        ])
                    }),
            ])
            return
        }
        print("subscriber \(subscriber): \(reports.count) line\(reports.count == 1 ? "" : "s")")
        guard !reports.isEmpty else { return }
        var table = TextTable([.left, .left, .left, .left])
        table.add("line", "status", "plan", "service")
        for report in reports {
            table.add(report.line, report.status.rawValue, report.plan.rawValue, report.service.rawValue)
        }
        print(table.rendered(indent: "  "))
    }
}
