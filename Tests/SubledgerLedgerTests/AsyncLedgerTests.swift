import Dispatch
import Foundation
import SubledgerLedger
@_spi(Testing) import SubledgerStore
import SubledgerTesting
import Testing

/// The `async` record and apply (issue 12 item 6): many tasks at once lose and double
/// nothing, a task cancelled before its write records nothing, and the outcome is the
/// synchronous path's for the same facts.
@Suite("The ledger's async record and apply")
struct AsyncLedgerTests {
    static let now = Timestamp.at("2025-03-01T00:00:00Z")
    static let lines: [LineNumber] = (0..<6).map { LineNumber(stored: "+98912000000\($0)") }

    /// A subscriber with `lines`, each activated.
    static func signedUp() -> [LedgerFact] {
        let registered = LedgerFact.subscriber(
            "S-9", .at("2025-01-01T08:00:00Z"),
            .subscriberRegistered(
                SubscriberRegistered(
                    subscriberID: "S-9", kind: .individual, governmental: false, name: "Test",
                    nationalID: "0012345678")))
        return [registered]
            + lines.map { line in
                .line(
                    line, .at("2025-01-02T08:00:00Z"),
                    .lineActivated(
                        LineActivated(
                            subscriberID: "S-9", service: .mobile, plan: .noDeposit, connectionFee: 0,
                            vanityPremium: 0)))
            }
    }

    static func usage(_ line: LineNumber, _ task: Int) -> LedgerFact {
        .line(line, .at("2025-01-03T08:00:00Z"), .usageRecorded(UsageRecorded(amount: 10, description: "task \(task)")))
    }

    @Test func manyTasksOnDistinctAndSharedLinesLoseAndDoubleNothing() async throws {
        let ledger = Ledger.inMemory(clock: ManualClock(Self.now))
        try await ledger.record(Self.signedUp())
        // 60 tasks spread over the lines, and 40 more all on the first line.
        let targets = (0..<60).map { Self.lines[$0 % Self.lines.count] } + Array(repeating: Self.lines[0], count: 40)
        let positions = try await withThrowingTaskGroup(of: (Int, [UInt64]).self) { group in
            for (task, line) in targets.enumerated() {
                group.addTask { (task, try await ledger.record([Self.usage(line, task)]).positions) }
            }
            var positions: [Int: [UInt64]] = [:]
            for try await (task, recorded) in group { positions[task] = recorded }
            return positions
        }
        let events = try ledger.store.events(from: 1, limit: 1000)
        let head = UInt64(1 + Self.lines.count + targets.count)
        #expect(events.map(\.position) == Array(1...head), "positions gap-free, each event once")
        let facts = try events.map { try RecordedFact($0) }
        for (task, line) in targets.enumerated() {
            let recorded = try #require(positions[task]?.first, "task \(task) got no position")
            let fact = facts[Int(recorded) - 1]
            #expect(fact.fact.stream == .line(line.text), "task \(task)")
            #expect(fact.event == Self.usage(line, task).event, "task \(task)'s fact is at the position it was given")
        }
        for line in Self.lines {
            let versions = facts.filter { $0.fact.stream == .line(line.text) }.map(\.streamVersion)
            #expect(versions == Array(1...UInt64(versions.count)), "line \(line)'s versions are contiguous")
            let expected = 1 + targets.filter { $0 == line }.count
            #expect(versions.count == expected, "line \(line): every task's fact, once")
        }
    }

    @Test func tasksRacingForOneActivationGetOneRecordedAndTheOthersRefused() async throws {
        let ledger = Ledger.inMemory(clock: ManualClock(Self.now))
        try await ledger.record(Array(Self.signedUp().prefix(1)))
        let line = Self.lines[0]
        let activation = Self.signedUp()[1]
        let outcomes = await withTaskGroup(of: LedgerError?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do throws(LedgerError) {
                        try await ledger.record([activation])
                        return nil
                    } catch { return error }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1, "exactly one activation recorded: \(outcomes)")
        for refusal in outcomes.compactMap({ $0 }) {
            #expect(refusal.code == .badFact, "\(refusal)")
        }
        #expect(try ledger.store.head().position == 2, "the registration and one activation of \(line)")
    }

    @Test func aTaskCancelledBeforeItsWriteRecordsNothing() async throws {
        let ledger = Ledger.inMemory(clock: ManualClock(Self.now))
        try await ledger.record(Self.signedUp())
        let headBefore = try ledger.store.head().position
        // Cancelled before the call: the early check.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ledger.record([Self.usage(Self.lines[0], 0)])
        }
        let earlyError = try #require(await early.result.failure as? LedgerError)
        #expect(earlyError.code == .cancelled, "\(earlyError)")
        // Cancelled while its preparation waits behind a barrier on the preparation queue.
        let writerBusy = DispatchSemaphore(value: 0)
        ledger.preparationQueue.async(flags: .barrier) { writerBusy.wait() }
        let queued = Task { try await ledger.record([Self.usage(Self.lines[1], 2)]) }
        try await Task.sleep(for: .milliseconds(50))
        queued.cancel()
        writerBusy.signal()
        let queuedError = try #require(await queued.result.failure as? LedgerError)
        #expect(queuedError.code == .cancelled, "\(queuedError)")
        #expect(try ledger.store.head().position == headBefore, "a cancelled task recorded something")
        // The ledger still records afterwards.
        try await ledger.record([Self.usage(Self.lines[0], 1)])
        #expect(try ledger.store.head().position == headBefore + 1)
    }

    @Test func theAsyncPathRecordsWhatTheSyncPathRecords() async throws {
        let past = Array(Self.signedUp().prefix(2)) + [  // one line: the scenario acts on its sole line
            .line(
                Self.lines[0], .at("2025-02-02T18:00:00Z"),
                .usageRecorded(UsageRecorded(amount: 245_000, description: "calls")))
        ]
        let sentAt = Timestamp.at("2025-02-02T18:10:00Z")
        let notice = OperatorAction.sendNotice(
            kind: .thresholdWarning, channel: .sms, deadline: sentAt.adding(seconds: 24 * 3600), noticeID: "N-1")
        let scenario = try LedgerScenario.given(past, now: Self.now)
        let synchronous = try scenario.when(notice, at: sentAt).recorded()
        let refusedSynchronously = scenario.when(.cut(direction: .oneWay, reason: .threshold), at: sentAt)
        try refusedSynchronously.thenRefused(by: "CUT-1")

        let ledger = Ledger.inMemory(clock: ManualClock(Self.now))
        try await ledger.record(past)
        let asynchronous = try await ledger.apply(notice, to: Self.lines[0], at: sentAt)
        #expect(!synchronous.isEmpty)
        #expect(asynchronous.map(\.event) == synchronous.map(\.event))
        #expect(asynchronous.map(\.position) == synchronous.map(\.position))
        #expect(asynchronous.map(\.streamVersion) == synchronous.map(\.streamVersion))
        #expect(asynchronous.map(\.fact.metadata) == synchronous.map(\.fact.metadata), "rule and edition")
        let refusal = await #expect(throws: LedgerError.self) {
            try await ledger.apply(.cut(direction: .oneWay, reason: .threshold), to: Self.lines[0], at: sentAt)
        }
        #expect(refusal?.rule == "CUT-1", "\(String(describing: refusal))")
        #expect(try ledger.store.head().position == scenario.ledger.store.head().position)
    }
}

/// The async calls share the store's group commits: tasks on distinct lines join one group
/// (one write transaction, one fsync), and tasks on one line take turns.
@Suite("The ledger's async calls share commits")
struct AsyncSharedCommitTests {
    @Test func tasksOnDistinctLinesJoinOneGroupCommit() async throws {
        let ledger = Ledger.inMemory(clock: ManualClock(AsyncLedgerTests.now))
        try await ledger.record(AsyncLedgerTests.signedUp())
        let lines = AsyncLedgerTests.lines
        ledger.store.holdGroupCommits(true)
        let tasks = lines.enumerated().map { task, line in
            Task { try await ledger.record([AsyncLedgerTests.usage(line, task)]) }
        }
        // Every task prepared and queued its batch for the one held group (at most 10 s).
        var waited = 0
        while ledger.store.queuedCoalescedAppends < lines.count, waited < 1000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(ledger.store.queuedCoalescedAppends == lines.count, "the tasks did not all join the group commit")
        ledger.store.holdGroupCommits(false)
        var positions: [UInt64] = []
        for task in tasks { positions += try await task.value.positions }
        let head = UInt64(1 + 2 * lines.count)
        #expect(positions.sorted() == Array(UInt64(2 + lines.count)...head))
        #expect(try ledger.store.head().position == head)
    }

    @Test func tasksOnOneLineTakeTurnsAndNoneRunsOutOfRetries() async throws {
        let ledger = Ledger.inMemory(clock: ManualClock(AsyncLedgerTests.now))
        try await ledger.record(AsyncLedgerTests.signedUp())
        let line = AsyncLedgerTests.lines[0]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<3 * StoreLimits.conflictRetryAttempts {
                group.addTask { try await ledger.record([AsyncLedgerTests.usage(line, task)]) }
            }
            try await group.waitForAll()
        }
        #expect(try ledger.store.version(of: .line(line.text)) == UInt64(1 + 3 * StoreLimits.conflictRetryAttempts))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
