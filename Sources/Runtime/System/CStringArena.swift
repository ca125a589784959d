import Glibc

/// Owns C strings and arrays handed to the clone child: everything is allocated before clone and
/// freed after it returns (the child works on its own copy). Only trivial C types are stored.
final class CStringArena {
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private var buffers: [UnsafeMutableRawPointer] = []

    func string(_ text: String) -> UnsafePointer<CChar> {
        let pointer = strdup(text)!
        strings.append(pointer)
        return UnsafePointer(pointer)
    }

    func optionalString(_ text: String?) -> UnsafePointer<CChar>? { text.map { string($0) } }

    /// A NULL-terminated array of C strings.
    func array(_ texts: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
        buffer(texts.map { Optional(string($0)) } + [nil])
    }

    /// A copy of `values` (at least one slot, so the pointer is never dangling).
    func buffer<T>(_ values: [T]) -> UnsafePointer<T> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, values.count) * MemoryLayout<T>.stride, alignment: MemoryLayout<T>.alignment)
        buffers.append(raw)
        let typed = raw.bindMemory(to: T.self, capacity: max(1, values.count))
        for (index, value) in values.enumerated() { (typed + index).initialize(to: value) }
        return UnsafePointer(typed)
    }

    deinit {
        for pointer in strings { free(pointer) }
        for pointer in buffers { pointer.deallocate() }
    }
}
