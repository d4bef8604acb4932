import Foundation

/// How much CPU other programs used, from /proc/stat, so that a run disturbed by another
/// process (a build, say) shows it. Counts user time only: the kernel's own work for
/// our I/O (writeback, the journal) is system time and is not another program's.
struct MachineLoad {
    /// Jiffies all CPUs spent in user mode (user + nice).
    var userTicks: Int
    /// This process's user CPU time.
    var ownUserCPU: Double

    static func now() -> MachineLoad {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: "\n").first?.split(separator: " ").dropFirst().compactMap { Int($0) } ?? []
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return MachineLoad(
            userTicks: fields.count > 1 ? fields[0] + fields[1] : 0,
            ownUserCPU: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        )
    }

    /// Core-seconds of user CPU that other processes used between `start` and `end`.
    static func otherCPUSeconds(from start: MachineLoad, to end: MachineLoad) -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let user = Double(end.userTicks - start.userTicks) / ticksPerSecond
        return max(0, user - (end.ownUserCPU - start.ownUserCPU))
    }

    /// The load averages now (1, 5 and 15 minutes).
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
