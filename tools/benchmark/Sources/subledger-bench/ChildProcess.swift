import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One run of another program, timed as a whole process: from just before `posix_spawn` to
/// the return of `wait4`, with the child's resource usage (CPU time, peak RSS) from `wait4`.
struct ChildProcess {
    var arguments: [String]
    var seconds: Double
    var exitStatus: Int32
    /// The child's user and system CPU time.
    var userSeconds: Double
    var systemSeconds: Double
    /// The child's peak resident set size, in bytes: its own `VmHWM` (from /proc, read every
    /// few milliseconds while it runs). Not `ru_maxrss`: on Linux the child's counts the
    /// spawning process's high-water mark too (exec keeps the larger of the two).
    var peakResidentBytes: Int
    /// The largest anonymous resident memory seen (`RssAnon`), without mapped files such as
    /// the store's pages.
    var peakAnonymousBytes: Int
    /// Core-seconds of user CPU that other programs (not this one, not the child) used meanwhile.
    var otherCPUSeconds: Double
    /// The bytes the child caused to be written to storage: its `/proc/PID/io` `write_bytes`,
    /// which Linux reports in `wait4`'s `ru_oublock` (in 512-byte blocks), so the last
    /// writes before exit are counted too (issue 13). Linux counts a dirtied page cache
    /// folio whole, so on kernels with large folios this overstates writes at scattered
    /// offsets many times (`DeviceWrites`).
    var writtenBytes: Int
    /// The bytes the child passed to write calls (`/proc/PID/io` `wchar`, read once it has
    /// exited and before it is reaped): what LMDB asked to write, pipes and files included.
    var writeCallBytes: Int
    /// The bytes written to the device holding /tmp while the child ran, up to an untimed
    /// `sync()` after it exited (`/sys/class/block/DEVICE/stat`): what storage received,
    /// other programs' writes included; `nil` when the device's counters cannot be read.
    var deviceWrittenBytes: Int?

    var succeeded: Bool { exitStatus == 0 }

    /// Runs `arguments` (the first is the program's path) with standard output to
    /// `standardOutput` and standard error to `standardError` (paths; `nil` keeps ours).
    static func run(_ arguments: [String], standardOutput: String? = nil, standardError: String? = nil) throws
        -> ChildProcess
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let standardOutput {
            posix_spawn_file_actions_addopen(
                &actions, STDOUT_FILENO, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        if let standardError {
            posix_spawn_file_actions_addopen(
                &actions, STDERR_FILENO, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }

        let before = MachineLoad.now()
        let deviceBefore = DeviceWrites.tmp?.sectorsWritten()
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw BenchmarkError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        let memory = MemoryWatch(pid: pid)
        let watcher = Thread { memory.watch() }
        watcher.start()
        // Waits for the exit without reaping, so that /proc still has the child's counters.
        var exitInfo = siginfo_t()
        while waitid(P_PID, id_t(pid), &exitInfo, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        let writeCalls = Self.ioCounter("wchar", of: pid)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else {
                throw BenchmarkError("wait4 for \(arguments[0]) failed: \(String(cString: strerror(errno)))")
            }
        }
        let seconds = (clock.now - start).seconds
        let (highWater, anonymous) = memory.finish()
        let after = MachineLoad.now()
        var deviceBytes: Int?
        if let deviceBefore, let device = DeviceWrites.tmp {
            sync()
            deviceBytes = device.sectorsWritten().map { ($0 - deviceBefore) * 512 }
        }
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        // WIFEXITED / WEXITSTATUS by hand (macros Swift does not import).
        let exited = status & 0x7F == 0
        return ChildProcess(
            arguments: arguments, seconds: seconds, exitStatus: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
            userSeconds: user, systemSeconds: system, peakResidentBytes: highWater, peakAnonymousBytes: anonymous,
            otherCPUSeconds: MachineLoad.otherCPUSeconds(from: before, to: after),  // the reaped child is ours
            writtenBytes: Int(usage.ru_oublock) * 512, writeCallBytes: writeCalls, deviceWrittenBytes: deviceBytes)
    }

    /// One counter of `/proc/PID/io` (0 when it cannot be read).
    private static func ioCounter(_ name: String, of pid: pid_t) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }

    /// The command as one would type it (for errors and the report).
    var commandLine: String {
        arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

/// Reads a running child's `VmHWM` and `RssAnon` from /proc every 5 ms until it is gone.
private final class MemoryWatch: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var highWater = 0
    private var anonymous = 0
    private var done = false
    private let finished = DispatchSemaphore(value: 0)

    init(pid: pid_t) {
        path = "/proc/\(pid)/status"
    }

    func watch() {
        while true {
            lock.lock()
            let stop = done
            lock.unlock()
            if stop { break }
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                var sawMemory = false
                for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") || line.hasPrefix("RssAnon:") {
                    sawMemory = true
                    let kilobytes =
                        Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
                    lock.lock()
                    if line.hasPrefix("VmHWM:") {
                        highWater = max(highWater, kilobytes * 1024)
                    } else {
                        anonymous = max(anonymous, kilobytes * 1024)
                    }
                    lock.unlock()
                }
                if !sawMemory, text.contains("State:\tZ") { break }
            }
            usleep(5_000)
        }
        finished.signal()
    }

    /// Stops watching (the child is reaped); the peaks seen.
    func finish() -> (highWater: Int, anonymous: Int) {
        lock.lock()
        done = true
        lock.unlock()
        finished.wait()
        lock.lock()
        defer { lock.unlock() }
        return (highWater, anonymous)
    }
}

/// The sectors written to the block device holding /tmp, from its counters in sysfs.
struct DeviceWrites {
    let statPath: String

    /// The device of the mount holding /tmp, when it is a block device sysfs knows.
    static let tmp: DeviceWrites? = {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        var best: (mountPoint: String, device: String) = ("", "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3 else { continue }
            let covers = fields[1] == "/" || "/tmp" == fields[1] || "/tmp".hasPrefix(fields[1] + "/")
            if covers, fields[1].count >= best.mountPoint.count { best = (fields[1], fields[0]) }
        }
        guard best.device.hasPrefix("/dev/") else { return nil }
        let path = "/sys/class/block/\(best.device.dropFirst(5))/stat"
        return access(path, R_OK) == 0 ? DeviceWrites(statPath: path) : nil
    }()

    /// The device's sectors (512 bytes) written since boot: the seventh field of its stat.
    func sectorsWritten() -> Int? {
        guard let text = try? String(contentsOfFile: statPath, encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        return fields.count > 6 ? Int(fields[6]) : nil
    }
}
