import Dispatch
import Foundation
import Synchronization

extension Auditor {
    /// The audit of many lines on the machine's cores; the findings in the order of
    /// `histories` (each line's in position order), as one thread would give them. Then the
    /// one pass across lines, SUS-2's mass suspensions, its warnings among each line's.
    /// - Parameters:
    ///   - histories: the lines to audit, each with its facts and its owner's.
    ///   - editions: every edition known.
    ///   - calendar: the Tehran calendar the rules count days in.
    /// - Returns: the findings of every line, in the order of `histories`.
    /// - Throws: ``FactError`` for the first history, in the order of `histories`, that does not fold.
    public static func audit(
        _ histories: [LineHistory], editions: PolicyEditions,
        calendar: TehranCalendar
    ) throws(FactError) -> [Finding] {
        let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount, histories.count))
        let results = Mutex<[Int: Result<[Finding], FactError>]>([:])
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var mine: [(Int, Result<[Finding], FactError>)] = []
            var index = worker
            while index < histories.count {
                mine.append(
                    (
                        index,
                        Result { () throws(FactError) in
                            try audit(histories[index], editions: editions, calendar: calendar)
                        }
                    ))
                index += workers
            }
            results.withLock { all in for (index, result) in mine { all[index] = result } }
        }
        let byIndex = results.withLock { $0 }
        let mass = Dictionary(grouping: massSuspensions(histories, editions: editions, calendar: calendar), by: \.line)
        var findings: [Finding] = []
        for index in histories.indices {
            guard let result = byIndex[index] else { preconditionFailure("line \(index) was not audited") }
            let line = try result.get()
            if let warnings = mass[histories[index].number] {
                // Stable: each position's own findings first, then its mass-suspension warning.
                findings += (line + warnings).enumerated().sorted {
                    ($0.element.position, $0.offset) < ($1.element.position, $1.offset)
                }.map(\.element)
            } else {
                findings += line
            }
        }
        return findings
    }
}
