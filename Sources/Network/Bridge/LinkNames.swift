/// Host-side link names: at most 15 characters, with a prefix that marks them as ours so that
/// leftovers (after a crash or `kill -9`) can be found and swept, and nothing else is touched.
///
/// The 8 hex digits are a 32-bit FNV-1a hash of the identity, so the same network or
/// container always maps to the same name without any state on disk.
public enum LinkNames {
    /// Prefix of every bridge we create.
    public static let bridgePrefix = "ssb-"
    /// Prefix of the host end of every veth pair we create.
    public static let vethPrefix = "ssv-"
    /// Prefix of a bridge taken out of service and being deleted in the background.
    public static let retiredPrefix = "ssr-"

    /// The bridge name of a network, from its identity (e.g. `myproject_default`).
    public static func bridge(network: String) -> String {
        bridgePrefix + hash(network)
    }

    /// The host-side veth name of a container's attachment to a network.
    public static func hostVeth(container: String, network: String) -> String {
        // NUL cannot appear in either identity, so ("a", "bc") and ("ab", "c") differ.
        vethPrefix + hash(container + "\u{0}" + network)
    }

    /// A fresh name for a retired link: random, so that a network of the same name can be
    /// created again while the old bridge is still being deleted.
    public static func retired() -> String {
        retiredPrefix + hash(String(UInt64.random(in: 0...UInt64.max)))
    }

    /// Whether `name` has the shape of a link we create (prefix and 8 lowercase hex digits).
    public static func isOurs(_ name: String) -> Bool {
        guard name.hasPrefix(bridgePrefix) || name.hasPrefix(vethPrefix) || name.hasPrefix(retiredPrefix) else {
            return false
        }
        let digits = name.utf8.dropFirst(4)
        return digits.count == 8 && digits.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func hash(_ identity: String) -> String {
        var value: UInt32 = 0x811C_9DC5
        for byte in identity.utf8 {
            value ^= UInt32(byte)
            value &*= 0x0100_0193
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
