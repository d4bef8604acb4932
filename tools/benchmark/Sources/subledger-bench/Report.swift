import Foundation

/// The whole printed report: the machine, N, the tables, the details.
struct Report {
    var run: BenchmarkRun
    var machine: MachineDescription
    var wallSeconds: Double

    var text: String {
        let options = run.options
        var sections = [header]
        if options.parts.contains(.appends) { sections.append(appends) }
        if let scale = run.scale { sections.append(scaleSection(scale)) }
        if let follow = run.follow { sections.append(followSection(follow)) }
        if let proof = run.proof { sections.append(proofSection(proof)) }
        var details = (run.scale?.details ?? []) + (run.follow?.details ?? []) + (run.proof?.details ?? [])
        if options.parts.contains(.appends) {
            details =
                ReportTable(measurements: run.measurements, sizes: run.sizes).subledgerOverheads() + run.details
                + details
        }
        sections.append(
            """
            ## Details

            \(details.joined(separator: "\n"))
            - Other programs used \
            \(String(format: "%.1f", MachineLoad.otherCPUSeconds(from: run.loadAtRunStart, to: .now()))) core-seconds \
            of user CPU during the run (rows marked ⚠ were disturbed); load average at its end: \
            \(MachineLoad.loadAverage()).
            - Total wall time of this run: \(String(format: "%.1f", wallSeconds)) s.
            """)
        return sections.joined(separator: "\n\n")
    }

    private var header: String {
        """
        # subledger benchmark

        - Machine: \(machine.processorCount) cores (nproc), \(machine.cpuModel), \
        \(String(format: "%.0f", machine.memoryGiB)) GiB, \(machine.kernel)
        - Stores in fresh folders under /tmp: \(machine.temporaryFileSystem)
        - Built from: \(ProcessInfo.processInfo.environment["SUBLEDGER_BENCH_SOURCE"] ?? "unknown source")
        """
    }

    private var appends: String {
        let options = run.options
        let table = ReportTable(measurements: run.measurements, sizes: run.sizes)
        return """
            ## Appends and reads against raw LMDB and SQLite

            - N = \(ReportTable.grouped(options.eventCount)) events (batch size 1: the first \
            \(ReportTable.grouped(options.count(forBatchSize: 1)))), on \
            \(ReportTable.grouped(run.eventSet.lines.count)) lines; \(RawLMDBEnvironment.version)
            - Events: type UsageRecorded on a line "+98912…", data {amount 10,000…100,000, description "calls and \
            data"}, metadata {source "bench"}, occurredAt one second apart.
            - Durability everywhere: LMDB default flags (MDB_NOTLS only: an fsync of the data and one of the meta page \
            per commit); SQLite WAL with synchronous=FULL.
            - Append rows time only the append calls: one transaction per batch, each engine on a fresh store. The \
            engines take turns: the batches are cut into up to \(options.rounds) rounds, and in each round every \
            engine appends that round's batches (order rotating), with an untimed `sync()` before each turn, so that \
            all meet the same disk (fsync latency on this machine swings several-fold over minutes).
            - "vs raw LMDB" is events/s over raw LMDB's at the same batch size; for reads, over the raw cursor walk \
            (all reads run warm, right after the writes). "CPU µs/event" is this process's CPU time (user + system), \
            which neither disk waits nor other programs inflate.

            ### Throughput

            \(table.results())

            ### \(options.concurrentWriters) concurrent single-event appenders, durable

            Each writer appends its share of the first \(ReportTable.grouped(options.concurrentEventCount)) events one \
            at a time, each append durable before its next, for \(options.concurrentSeconds) s (or until those events \
            run out); each engine on a fresh store, one after the other, an untimed `sync()` before each; the time is \
            the wall time until the last writer is done, the events those appended by then.

            \(ReportTable.concurrent(run.concurrentMeasurements))

            ### Size on disk after the N-event run at batch size \(ReportTable.grouped(run.fullBatchSize))

            \(table.storeSizes())
            """
    }

    private func scaleSection(_ scale: ScaleResults) -> String {
        let generated = scale.generated
        let missed = scale.rows.filter { $0.met == false }.count
        return """
            ## At scale: \(ReportTable.grouped(generated.events)) events over \(ReportTable.grouped(generated.lines)) \
            lines

            - The store: the demo's generator at scale (`subledger demo --facts-out FILE --lines \(generated.lines) \
            --events \(run.options.scaleEvents) --seed \(run.options.scaleSeed)`): \
            \(ReportTable.grouped(generated.lines)) lines of \(ReportTable.grouped(generated.subscribers)) subscribers \
            simulated as in `subledger demo` (usage, invoices, payments, notices, cuts through the rules) over the \
            last \(generated.windowDays) days of its timeline, and one line of \
            \(ReportTable.grouped(generated.longLineEvents)) events over ten years; JSON Lines in the input form, with \
            recordedAt and eventId; imported into a fresh store under /tmp.
            - Whole-process rows time the release `subledger` binary from spawn to exit (`posix_spawn`, `wait4`), an \
            untimed `sync()` before each; the input and the store are in the page cache (warm). Events/s = the store's \
            events over that wall time. In-process rows call the library in this process on the same store, opened once.
            - \(missed == 0 ? "Every goal met." : "\(missed) goal(s) missed.")

            \(ScaleRow.table(scale.rows))
            """
    }

    private func proofSection(_ proof: ProofResults) -> String {
        let missed = proof.rows.filter { $0.met == false }.count
        return """
            ## Proofs and checkpoints on \(ReportTable.grouped(proof.eventCount)) events

            - Issue 10, item 3: an inclusion proof reads O(log n) stored Merkle nodes and fewer than 16 records' \
            hashes; a checkpoint signs the root of the head's tree.
            - \(missed == 0 ? "Every goal met." : "\(missed) goal(s) missed.")

            \(ScaleRow.table(proof.rows))
            """
    }

    private func followSection(_ follow: FollowResults) -> String {
        let missed = follow.rows.filter { $0.met == false }.count
        return """
            ## Following \(ReportTable.grouped(follow.eventCount)) events with a slow consumer

            - A store of \(ReportTable.grouped(follow.eventCount)) `UsageRecorded` events appended in batches of \
            10,000; then a process of its own (`subledger-bench --follow-child`) follows it from position 1 with \
            `Ledger.follow` (a chunk of at most `FollowedFacts.chunkSize` events read only when the previous one is \
            taken) and sleeps 1 ms every \(ReportTable.grouped(run.options.followPauseEvery)) facts, until it has \
            taken every event (their amounts summed and checked).
            - Its peak memory is its own, read from /proc while it runs: `VmHWM` counts the store's pages it has read \
            (mapped, reclaimable by the kernel), `RssAnon` only what it allocates.
            - \(missed == 0 ? "Every goal met." : "\(missed) goal(s) missed.")

            \(ScaleRow.table(follow.rows))
            """
    }
}
