import ArgumentParser
import Foundation
import SubledgerLedger
import SubledgerReports
import SubledgerStore

/// `subledger replay LINE`: the line's history, one entry per event, each with the state
/// after it and, under every operator action, the rules that allowed or forbade it.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a line's history: each event with the state after it and the rules that judged it.",
        discussion: """
            Times are shown in Tehran time with the Solar Hijri and the Gregorian date. --as-of counts \
            the events that occurred up to T, --known-at those recorded up to T (RFC 3339, or Tehran \
            time in the Solar Hijri calendar as 1402/11/12 16:30). \
            --html FILE writes one self-contained page with a chart of the debt against the threshold.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The line's number in E.164 (+98...).", transform: LineArgument.parse) var line: String
    @OptionGroup var viewOptions: HistoryViewOptions
    @Flag(name: .long, help: "Print one JSON document.") var json = false
    @Option(name: .long, help: "Write the replay as one self-contained HTML page to FILE.") var html: String?

    func run() throws {
        if let html { try Self.checkWritable(html) }
        let ledger = try store.openLedger()
        let replay: LineReplay
        do {
            replay = try ledger.replay(of: LineNumber(stored: line), view: viewOptions.view)
        } catch {
            throw CommandFailure(error)
        }
        guard !replay.entries.isEmpty else {
            throw CommandFailure("line \(line) has no event in that view")
        }
        let format = DisplayFormat(calendar: ledger.calendar)
        if let html {
            let page = ReplayHTML(format: format).render(replay)
            let output = try BufferedOutput(path: html)
            try output.append { $0.append(contentsOf: page.utf8) }
            try output.commit()
        }
        if json {
            print(String(decoding: CanonicalJSON.encode(replay.json(format: format)), as: UTF8.self))
        } else if let html {
            print(
                "wrote the replay of line \(line) (\(replay.entries.count) events, \(replay.violationCount) violation(s), \(replay.warningCount) warning(s)) to \(html)"
            )
        } else {
            print(ReplayText(format: format).render(replay))
        }
    }

    /// Refuses an `--html` path that cannot be a file, in plain words, before any work:
    /// a folder, or a file in a folder that does not exist.
    private static func checkWritable(_ path: String) throws(CommandFailure) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            let name = URL(fileURLWithPath: path).appendingPathComponent("replay.html").path
            throw CommandFailure(
                "cannot write the replay to \(path): it is a folder; give a file name, such as \(name)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            throw CommandFailure("cannot write the replay to \(path): the folder \(folder) does not exist")
        }
    }
}
