import Glibc

/// An owned file descriptor, closed when the last reference goes away.
final class OwnedDescriptor {
    let raw: Int32

    init(_ raw: Int32) { self.raw = raw }

    deinit { close(raw) }
}

/// The text of `errno` values, for messages.
enum Errno {
    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}

extension String {
    /// Decodes NUL-terminated (or unterminated) C characters, replacing invalid UTF-8, for messages.
    init(nulTerminated characters: [CChar]) {
        self = String(decoding: characters.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
