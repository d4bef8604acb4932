import ArgumentParser
import Foundation
import SubledgerLedger
import SubledgerStore

/// `subledger replay LINE`: the line's history, one entry per event, each with the state
/// after it and, under every operator action, the rules that allowed or forbade it.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a line's history: each event with the state after it and the rules that judged it.",
        discussion: """
        Times are shown in Tehran time with the Solar Hijri and the Gregorian date. --as-of counts \
        the events that occurred up to T, --known-at those recorded up to T (RFC 3339 times). \
        --html FILE writes one self-contained page with a chart of the debt against the threshold.
        """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The line's number in E.164 (+98...).") var line: String
    @Option(name: .customLong("as-of"), help: "Count the events that occurred up to this time (RFC 3339).") var asOf: String?
    @Option(name: .customLong("known-at"), help: "Count the events recorded up to this time (RFC 3339).") var knownAt: String?
    @Flag(name: .long, help: "Print one JSON document.") var json = false
    @Option(name: .long, help: "Write the replay as one self-contained HTML page to FILE.") var html: String?

    func run() throws {
        let view = LineHistory.View(asOf: try asOf.map(TimeArgument.parse), knownAt: try knownAt.map(TimeArgument.parse))
        let ledger = try store.openLedger()
        let replay: LineReplay
        do {
            replay = try ledger.replay(of: line, view: view)
        } catch {
            throw CommandFailure(error.description)
        }
        guard !replay.entries.isEmpty else {
            throw CommandFailure("line \(line) has no event in that view")
        }
        let format = DisplayFormat(calendar: ledger.calendar)
        if let html {
            do {
                try ReplayHTML(format: format).render(replay).write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot write \(html): \(error.localizedDescription)")
            }
        }
        if json {
            print(String(decoding: CanonicalJSON.encode(replay.json(format: format)), as: UTF8.self))
        } else if let html {
            print("wrote the replay of line \(line) (\(replay.entries.count) events, \(replay.violationCount) violation(s), \(replay.warningCount) warning(s)) to \(html)")
        } else {
            print(ReplayText(format: format).render(replay))
        }
    }
}
