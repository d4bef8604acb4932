import ArgumentParser
import Foundation
import SubledgerLedger
import SubledgerStore

/// `subledger rebuild`: folds the whole log into the stored line and subscriber
/// projections again and says whether they came out byte for byte as they were.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute the stored line and subscriber projections from the log.",
        discussion: """
            The projections are kept in the store and updated with every recorded event; this \
            folds every event again, replaces them in one transaction, and reports whether the \
            records written are byte for byte those that were there (a SHA-256 over every key \
            and value). A difference means the stored projection had drifted from the log: the \
            log is the truth, and the rebuilt records now follow it. Exits 0 either way.
            """
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func run() throws {
        let ledger = try store.openWritableLedger(rewriting: true)
        let started = ContinuousClock.now
        let report: ProjectionRebuildReport
        do { report = try ledger.rebuildProjections() } catch { throw CommandFailure(error.description) }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.wholeMilliseconds
        if json {
            JSONOutput.print([
                "eventsFolded": .integer(Int64(report.eventsFolded)),
                "recordsWritten": .integer(Int64(report.recordsWritten)),
                "previousRecords": .integer(Int64(report.previousRecords)),
                "checkpoint": .integer(Int64(report.checkpoint)),
                "identicalToPrevious": .bool(report.identicalToPrevious),
                "milliseconds": .integer(milliseconds),
            ])
            return
        }
        print(
            "rebuilt the stored projections: \(Amount.grouped(Int64(report.eventsFolded))) events folded into "
                + "\(Amount.grouped(Int64(report.recordsWritten))) records (lines and subscribers) in \(milliseconds) ms, current up to position \(report.checkpoint)"
        )
        print(
            report.identicalToPrevious
                ? "identical: the records are byte for byte those the store held"
                : "different: the store held \(report.previousRecords) records that were not byte for byte these; they have been replaced"
        )
    }
}
