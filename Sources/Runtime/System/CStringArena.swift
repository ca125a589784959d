import Glibc

/// Owns C strings and arrays handed to the clone child: everything is allocated before clone and
/// freed after it returns (the child works on its own copy).
final class CStringArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    func string(_ text: String) -> UnsafePointer<CChar> {
        let pointer = strdup(text)!
        allocations.append(UnsafeMutableRawPointer(pointer))
        return UnsafePointer(pointer)
    }

    func optionalString(_ text: String?) -> UnsafePointer<CChar>? { text.map { string($0) } }

    /// A NULL-terminated array of C strings.
    func array(_ texts: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
        let buffer = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: texts.count + 1)
        for (index, text) in texts.enumerated() { buffer[index] = string(text) }
        buffer[texts.count] = nil
        allocations.append(UnsafeMutableRawPointer(buffer))
        return UnsafePointer(buffer)
    }

    func buffer<T>(_ values: [T]) -> UnsafePointer<T> {
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(1, values.count))
        for (index, value) in values.enumerated() { (buffer + index).initialize(to: value) }
        allocations.append(UnsafeMutableRawPointer(buffer))
        return UnsafePointer(buffer)
    }

    deinit {
        // strdup'ed strings come from malloc; allocate() from Swift's allocator, which is malloc too.
        for pointer in allocations { free(pointer) }
    }
}
