import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `--as-of T` and `--known-at T` of `status` and `replay`: which events of a line's
/// history count (business time, recording time, or both), read by ``TimeArgument``.
struct HistoryViewOptions: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Count the events that occurred at or before this time (\(TimeArgument.help)).", valueName: "time"),
        transform: TimeArgument.parse)
    var asOf: Timestamp?
    @Option(
        name: .customLong("known-at"),
        help: ArgumentHelp(
            "Count the events recorded at or before this time (\(TimeArgument.help)).", valueName: "time"),
        transform: TimeArgument.parse)
    var knownAt: Timestamp?

    /// The view of the history these options ask for.
    var view: LineHistory.View { LineHistory.View(asOf: asOf, knownAt: knownAt) }
}
