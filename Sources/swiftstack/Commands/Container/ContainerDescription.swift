import Foundation
import Runtime

/// Shared presentation of containers (ps, inspect).
enum ContainerDescription {
    static func jsonEncoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Docker's STATUS column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created".
    static func status(_ c: Container) -> String {
        switch c.state.status {
        case .created: return "Created"
        case .running: return c.isRunning ? "Up \(duration(since: c.state.startedAt ?? c.state.createdAt))" : "Exiting"
        case .exited:
            let code = c.state.exitCode.map(String.init) ?? "unknown"
            return "Exited (\(code)) \(ago(c.state.finishedAt ?? c.state.createdAt))"
        }
    }

    static func duration(since date: Date) -> String {
        let seconds = max(0, Int(Date().timeIntervalSince(date)))
        if seconds < 1 { return "Less than a second" }
        if seconds < 60 { return "\(seconds) second\(seconds == 1 ? "" : "s")" }
        if seconds < 3600 { return "\(seconds / 60) minute\(seconds / 60 == 1 ? "" : "s")" }
        if seconds < 86400 { return "\(seconds / 3600) hour\(seconds / 3600 == 1 ? "" : "s")" }
        return "\(seconds / 86400) day\(seconds / 86400 == 1 ? "" : "s")"
    }

    static func ago(_ date: Date) -> String { duration(since: date) + " ago" }

    static func printTable(header: [String], rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in [header] + rows {
            let line = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 3)
            }.joined()
            print(line)
        }
    }

    /// One `ps --format json` line.
    struct Summary: Encodable {
        var ID: String, Names: String, Image: String, Command: String, CreatedAt: Date
        var State: String, Status: String, ExitCode: Int32?, Pid: Int32?, Ports: String
        init(_ c: Container) {
            ID = String(c.id.prefix(12))
            Names = c.name
            Image = c.spec.image
            Command = c.spec.command.joined(separator: " ")
            CreatedAt = c.state.createdAt
            State = c.isRunning ? "running" : (c.state.status == .running ? "exited" : c.state.status.rawValue)
            Status = ContainerDescription.status(c)
            ExitCode = c.state.exitCode
            Pid = c.isRunning ? c.state.pid : nil
            Ports = RunPortsLabel.shown(c)
        }
    }

    /// `inspect` output (a subset of Docker's shape).
    struct Detail: Encodable {
        struct StateInfo: Encodable {
            var Status: String, Running: Bool, Pid: Int32, ExitCode: Int32?, OOMKilled: Bool
            var StartedAt: Date?, FinishedAt: Date?, Error: String?
        }
        struct ConfigInfo: Encodable {
            var Hostname: String, User: String, Env: [String], Cmd: [String], WorkingDir: String, Tty: Bool,
                Image: String
            var StopSignal: Int32, StopTimeout: Int
        }
        struct MountInfo: Encodable {
            var `Type`: String, Source: String, Destination: String, RW: Bool, Options: String
        }
        struct HostConfigInfo: Encodable {
            var NetworkMode: String, Memory: Int64, NanoCpus: Int64, PidsLimit: Int?, ReadonlyRootfs: Bool
            var CapAdd: [String], CapDrop: [String], Init: Bool, AutoRemove: Bool
        }
        var Id: String, Name: String, Created: Date, Image: String, Path: String, Args: [String]
        var State: StateInfo, Config: ConfigInfo, Mounts: [MountInfo], HostConfig: HostConfigInfo
        var LogPath: String, UpperDir: String, LowerDirs: [String]

        init(_ c: Container) {
            let s = c.spec
            Id = c.id
            Name = c.name
            Created = c.state.createdAt
            Image = s.image
            Path = s.command.first ?? ""
            Args = Array(s.command.dropFirst())
            let running = c.isRunning
            State = StateInfo(
                Status: running ? "running" : (c.state.status == .running ? "exited" : c.state.status.rawValue),
                Running: running, Pid: running ? (c.state.pid ?? 0) : 0, ExitCode: c.state.exitCode,
                OOMKilled: c.state.oomKilled, StartedAt: c.state.startedAt, FinishedAt: c.state.finishedAt,
                Error: c.state.error)
            Config = ConfigInfo(
                Hostname: s.hostname, User: s.user, Env: s.environment, Cmd: s.command,
                WorkingDir: s.workingDirectory, Tty: s.tty, Image: s.image, StopSignal: s.stopSignal,
                StopTimeout: s.stopTimeoutSeconds)
            Mounts = s.mounts.map {
                MountInfo(
                    Type: $0.kind.rawValue, Source: $0.source, Destination: $0.target, RW: !$0.readOnly,
                    Options: $0.options)
            }
            let network: String
            switch s.network {
            case .isolated: network = "none"
            case .host: network = "host"
            case .container(let id): network = "container:\(id)"
            case .namespace: network = "bridge"
            }
            HostConfig = HostConfigInfo(
                NetworkMode: network, Memory: s.limits.memoryBytes ?? 0,
                NanoCpus: Int64((s.limits.cpus ?? 0) * 1e9), PidsLimit: s.limits.pids,
                ReadonlyRootfs: s.readOnlyRootfs, CapAdd: s.capAdd, CapDrop: s.capDrop,
                Init: s.useInit, AutoRemove: s.autoRemove)
            LogPath = c.logPath
            UpperDir = c.upperDirectory
            LowerDirs = s.lowerDirectories
        }
    }
}
