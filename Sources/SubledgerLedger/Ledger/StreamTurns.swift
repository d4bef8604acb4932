import SubledgerStore
import Synchronization

/// Turns on streams for the ledger's `async` calls: a call takes the turn of each stream its
/// facts are on before it reads them, and gives the turns back once its batch committed or
/// was refused. Calls on distinct streams run at once and share a group commit; calls on
/// one stream go one after another, each reading what the one before recorded. Without
/// turns, forty tasks on one line would all read the same version, all but one conflict in
/// each group, and the retries run out (a livelock, not a loss).
///
/// Turns are taken in the streams' order, so two calls never wait on each other. A waiter is
/// resumed in the order it came.
final class StreamTurns: Sendable {
    /// The streams whose turn is taken, each with the calls waiting for it, first come first.
    private let taken = Mutex<[StreamID: [CheckedContinuation<Void, Never>]]>([:])

    /// Waits for the turn of each of `streams`; returns them sorted and without repeats, to
    /// give back with ``giveBack(_:)``.
    func take(_ streams: some Sequence<StreamID>) async -> [StreamID] {
        let ordered = Set(streams).sorted { $0.description < $1.description }
        for stream in ordered { await take(stream) }
        return ordered
    }

    /// Gives back the turns of `streams`: each passes to its first waiter, if any.
    func giveBack(_ streams: [StreamID]) {
        for stream in streams {
            let next = taken.withLock { taken -> CheckedContinuation<Void, Never>? in
                guard var waiting = taken[stream], !waiting.isEmpty else {
                    taken[stream] = nil
                    return nil
                }
                let next = waiting.removeFirst()
                taken[stream] = waiting
                return next
            }
            next?.resume()
        }
    }

    private func take(_ stream: StreamID) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = taken.withLock { taken -> Bool in
                guard taken[stream] != nil else {
                    taken[stream] = []
                    return true
                }
                taken[stream]?.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }
}
