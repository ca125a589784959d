import Glibc

/// Copies a container's output into its log (and optionally to our own stdout/stderr), and our
/// stdin into the container, until every output source reaches end of file.
public struct OutputPump {
    public struct Source {
        public var fd: Int32
        public var stream: LogStream
        /// Where to echo the bytes too (the CLI's own 1 or 2), or nil.
        public var echo: Int32?

        public init(fd: Int32, stream: LogStream, echo: Int32?) {
            self.fd = fd
            self.stream = stream
            self.echo = echo
        }
    }

    public var sources: [Source]
    public var log: ContainerLogWriter?
    /// Relay from `input.from` to `input.to`; when `from` ends and `closeTarget`, `to` is closed.
    public var input: (from: Int32, to: Int32, closeTarget: Bool)?

    public init(sources: [Source], log: ContainerLogWriter?, input: (from: Int32, to: Int32, closeTarget: Bool)? = nil)
    {
        self.sources = sources
        self.log = log
        self.input = input
    }

    /// Runs until all sources are at EOF (a pty master's EIO counts as EOF). Closes the sources.
    public func run() {
        var open = sources
        var relay = input
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if let relay { fds.append(pollfd(fd: relay.from, events: Int16(POLLIN), revents: 0)) }
            let n = poll(&fds, nfds_t(fds.count), -1)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if let current = relay, fds[open.count].revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(current.from, $0.baseAddress, $0.count) }
                if got > 0 {
                    _ = buffer.withUnsafeBytes { writeAll(current.to, UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    if current.closeTarget { close(current.to) }
                    relay = nil
                }
            }
            var finished: [Int] = []
            for (index, source) in open.enumerated() where fds[index].revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(source.fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    buffer.withUnsafeBytes { raw in
                        let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<got])
                        log?.append(chunk, stream: source.stream)
                        if let echo = source.echo { _ = writeAll(echo, chunk) }
                    }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    finished.append(index)
                }
            }
            for index in finished.reversed() {
                close(open[index].fd)
                open.remove(at: index)
            }
        }
        log?.flush()
    }
}
