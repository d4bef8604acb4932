import Foundation

/// The machine the numbers come from.
struct MachineDescription {
    var processorCount: Int
    var cpuModel: String
    var memoryGiB: Double
    var kernel: String
    var temporaryFileSystem: String

    static func current() -> MachineDescription {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuInfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineDescription(
            processorCount: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: model,
            memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30),
            kernel: "Linux \(release)",
            temporaryFileSystem: fileSystem(of: "/tmp")
        )
    }

    /// The file system type and device of the mount holding `path`, from /proc/mounts.
    private static func fileSystem(of path: String) -> String {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        var best: (mountPoint: String, description: String) = ("", "unknown")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3 else { continue }
            let mountPoint = fields[1]
            let covers = path == mountPoint || path.hasPrefix(mountPoint == "/" ? "/" : mountPoint + "/")
            if covers, mountPoint.count >= best.mountPoint.count {
                best = (mountPoint, "\(fields[2]) on \(fields[0]) (mounted at \(mountPoint))")
            }
        }
        return best.description
    }
}
