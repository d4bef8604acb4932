import Foundation

/// The whole printed report: the machine, N, the tables, the details.
struct Report {
    var run: BenchmarkRun
    var machine: MachineDescription
    var wallSeconds: Double

    var text: String {
        let options = run.options
        let table = ReportTable(measurements: run.measurements, sizes: run.sizes)
        return """
            # subledger benchmark

            - Machine: \(machine.processorCount) cores (nproc), \(machine.cpuModel), \(String(format: "%.0f", machine.memoryGiB)) GiB, \(machine.kernel)
            - Stores in fresh folders under /tmp: \(machine.temporaryFileSystem)
            - Built from: \(ProcessInfo.processInfo.environment["SUBLEDGER_BENCH_SOURCE"] ?? "unknown source")
            - N = \(ReportTable.grouped(options.eventCount)) events (batch size 1: the first \(ReportTable.grouped(options.count(forBatchSize: 1)))), on \(ReportTable.grouped(run.eventSet.lines.count)) lines; \(RawLMDBEnvironment.version)
            - Events: type UsageRecorded on a line "+98912…", data {amount 10,000…100,000, description "calls and data"}, metadata {source "bench"}, occurredAt one second apart.
            - Durability everywhere: LMDB default flags (MDB_NOTLS only: an fsync of the data and one of the meta page per commit); SQLite WAL with synchronous=FULL.
            - Append rows time only the append calls: one transaction per batch, each engine on a fresh store. The engines take turns: the batches are cut into up to \(options.rounds) rounds, and in each round every engine appends that round's batches (order rotating), with an untimed `sync()` before each turn, so that all meet the same disk (fsync latency on this machine swings several-fold over minutes).
            - "vs raw LMDB" is events/s over raw LMDB's at the same batch size; for reads, over the raw cursor walk (all reads run warm, right after the writes). "CPU µs/event" is this process's CPU time (user + system), which neither disk waits nor other programs inflate.

            ## Throughput

            \(table.results())

            ## \(options.concurrentWriters) concurrent single-event appenders, durable

            Each writer appends its share of the first \(ReportTable.grouped(options.concurrentEventCount)) events one at a time, each append durable before its next; each engine on a fresh store, one after the other, an untimed `sync()` before each; the time is the wall time until the last writer is done.

            \(ReportTable.concurrent(run.concurrentMeasurements))

            ## Size on disk after the N-event run at batch size \(ReportTable.grouped(run.fullBatchSize))

            \(table.storeSizes())

            ## Details

            \((table.subledgerOverheads() + run.details).joined(separator: "\n"))
            - Other programs used \(String(format: "%.1f", MachineLoad.otherCPUSeconds(from: run.loadAtRunStart, to: .now()))) core-seconds of user CPU during the run (rows marked ⚠ were disturbed); load average at its end: \(MachineLoad.loadAverage()).
            - Total wall time of this run: \(String(format: "%.1f", wallSeconds)) s.
            """
    }
}
