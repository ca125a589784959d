import Glibc

/// Forwards the signals a user sends to the CLI on to the container (foreground run, exec).
enum SignalForwarding {
    nonisolated(unsafe) static var target: Int32 = 0

    static func install(forwardingTo pid: Int32) {
        target = pid
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] {
            signal(sig) { received in
                if SignalForwarding.target > 0 { kill(SignalForwarding.target, received) }
            }
        }
    }
}
