public import Logging

/// How the store and the ledger log (issue 12, item 4): through a swift-log `Logger` the
/// caller injects (``EventStore/Options/logger``, `Ledger.open(at:…logger:)`), silent unless
/// one is given. What is logged, with its level:
/// - `notice`: the LMDB map grew (`store.mapGrowth`); a commit took longer than
///   ``StoreLimits/slowCommitMilliseconds`` (`store.slowCommit`); a stored projection was
///   rebuilt or caught up with the log (`store.projectionRebuild`); an interrupted import
///   was rolled back when the store opened for writing (`store.importRollback`, at its start
///   and its end).
/// - `info`: an append refused (`store.refusal`); a store opened while another process
///   imports into it (`store.importRunning`); a fact or an action the ledger refused
///   (`ledger.refusal`).
///
/// Each entry carries the metadata key `event` naming which of these it is, so a handler or
/// a test can match it without parsing the message.
public enum StoreLogging {
    /// The logger of a store or ledger given none: it drops everything, at no cost beyond
    /// the level check.
    public static let silent = Logger(label: "subledger", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The metadata key that names what an entry reports.
    public static let eventKey = "event"
}

/// Times one commit on the monotonic clock (infrastructure, never a ledger fact).
struct CommitTimer {
    private let start = ContinuousClock.now

    /// Logs `what` when it took longer than ``StoreLimits/slowCommitMilliseconds``.
    func logIfSlow(_ what: @autoclosure () -> String, events: Int?, to logger: Logger) {
        let elapsed = ContinuousClock.now - start
        guard elapsed > .milliseconds(StoreLimits.slowCommitMilliseconds) else { return }
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        var metadata: Logger.Metadata = [StoreLogging.eventKey: "store.slowCommit", "milliseconds": "\(milliseconds)"]
        if let events { metadata["events"] = "\(events)" }
        logger.notice("a slow commit: \(what()) took \(milliseconds) ms", metadata: metadata)
    }
}
