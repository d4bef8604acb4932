import Foundation

/// How much CPU other programs used, from /proc/stat, so that a run disturbed by another
/// process (a build, say) shows it. Counts user time only: the kernel's own work for
/// our I/O (writeback, the journal) is system time and is not another program's.
struct MachineLoad {
    /// Jiffies all CPUs spent in user mode (user + nice).
    var userTicks: Int
    /// The user CPU time of this process and of its children that it has reaped (the
    /// programs it measures): theirs is not another program's.
    var ownUserCPU: Double

    static func now() -> MachineLoad {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: "\n").first?.split(separator: " ").dropFirst().compactMap { Int($0) } ?? []
        var own = rusage()
        getrusage(RUSAGE_SELF.rawValue, &own)
        var children = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        return MachineLoad(
            userTicks: fields.count > 1 ? fields[0] + fields[1] : 0,
            ownUserCPU: seconds(own.ru_utime) + seconds(children.ru_utime)
        )
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
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
