import ArgumentParser
import Foundation
import Glibc
import Runtime

/// `swiftstack top [SERVICE…]`: each running container's processes, read from /proc (every
/// process in the container's PID namespace, as the host sees it).
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top", abstract: "Show the processes of a project's running containers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() throws {
        let scope = try ProjectScope.resolve(stack, global: global)
        var first = true
        for container in try scope.containers(services) {
            guard let process = container.liveProcess else { continue }
            let rows = Self.processes(inNamespaceOf: process.pid)
            if !first { print("") }
            first = false
            print(container.name)
            ContainerDescription.printTable(
                header: ["UID", "PID", "PPID", "TIME", "CMD"],
                rows: rows.map { [$0.uid, String($0.pid), String($0.ppid), $0.time, $0.command] })
        }
    }

    struct Row {
        var pid: Int32
        var ppid: Int32
        var uid: String
        var time: String
        var command: String
    }

    /// The processes sharing `pid`'s PID namespace, by pid.
    static func processes(inNamespaceOf pid: Int32) -> [Row] {
        guard let namespace = link("/proc/\(pid)/ns/pid") else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return entries.compactMap(Int32.init).sorted().compactMap { candidate in
            guard link("/proc/\(candidate)/ns/pid") == namespace,
                let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after "(comm)": state ppid … utime(14) stime(15), counted from field 3.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let ppid = Int32(fields[1]) else { return nil }
            let seconds = Int(((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks)
            let time = String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
            let status = (try? String(contentsOfFile: "/proc/\(candidate)/status", encoding: .utf8)) ?? ""
            let uid =
                status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(whereSeparator: \.isWhitespace)
                .dropFirst().first.map(String.init) ?? "?"
            let cmdline = FileManager.default.contents(atPath: "/proc/\(candidate)/cmdline") ?? Data()
            var command = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(
                separator: " ")
            if command.isEmpty {
                command = "[" + String(stat[stat.index(after: stat.firstIndex(of: "(")!)..<close]) + "]"
            }
            return Row(pid: candidate, ppid: ppid, uid: uid, time: time, command: command)
        }
    }

    private static func link(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }
}
