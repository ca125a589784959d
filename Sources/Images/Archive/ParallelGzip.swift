import CArchive
import Dispatch
import Glibc
import Synchronization

/// Gzip on every core: the input is cut into fixed 4 MiB chunks, each compressed as its own gzip
/// member, and the members are written in order. Concatenated members are one valid gzip
/// stream (RFC 1952, read by gzip, zlib, Go, libarchive); fixed chunk boundaries keep the
/// output the same whatever the number of cores, so layers stay reproducible.
final class ParallelGzip {
    static let chunkSize = 4 << 20
    private let width: Int
    private let sink: (UnsafeRawBufferPointer) throws(ImageError) -> Void
    private var current: [UInt8] = []
    private var pending: [[UInt8]] = []

    /// `sink` receives the compressed stream, in order.
    init(sink: @escaping (UnsafeRawBufferPointer) throws(ImageError) -> Void) {
        self.sink = sink
        width = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        current.reserveCapacity(Self.chunkSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ImageError) {
        var offset = 0
        while offset < bytes.count {
            let take = min(Self.chunkSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == Self.chunkSize {
                pending.append(current)
                current = []
                current.reserveCapacity(Self.chunkSize)
                if pending.count == width { try flush() }
            }
        }
    }

    func finish() throws(ImageError) {
        if !current.isEmpty || pending.isEmpty {
            pending.append(current)
            current = []
        }
        try flush()
    }

    private func flush() throws(ImageError) {
        let inputs = pending
        pending = []
        let results = Mutex<[Result<[UInt8], ImageError>?]>(Array(repeating: nil, count: inputs.count))
        DispatchQueue.concurrentPerform(iterations: inputs.count) { position in
            let result = Result { () throws(ImageError) -> [UInt8] in try Self.compress(inputs[position]) }
            results.withLock { $0[position] = result }
        }
        for result in results.withLock({ $0 }) {
            guard let result else { throw ImageError(.io, "gzip: a chunk was not compressed") }
            let member = try result.get()
            var failure: ImageError?
            member.withUnsafeBytes { raw in
                do throws(ImageError) { try sink(raw) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Collects what libarchive's writer emits.
    private final class Output {
        var bytes: [UInt8] = []
    }

    /// One gzip member: level 1 (a local store pays compression on every import and commit),
    /// no timestamp or name in the header.
    static func compress(_ input: [UInt8]) throws(ImageError) -> [UInt8] {
        guard let archive = archive_write_new(), let entry = archive_entry_new() else {
            throw ImageError(.io, "libarchive: out of memory")
        }
        defer {
            archive_write_free(archive)
            archive_entry_free(entry)
        }
        let output = Output()
        output.bytes.reserveCapacity(input.count / 2)
        archive_write_set_format_raw(archive)
        archive_write_add_filter_gzip(archive)
        archive_write_set_options(archive, "gzip:!timestamp")
        archive_write_set_options(archive, "gzip:compression-level=1")
        archive_write_set_bytes_in_last_block(archive, 1)
        let context = Unmanaged.passUnretained(output).toOpaque()
        let opened = archive_write_open2(
            archive, context, nil,
            { _, context, bytes, count in
                let output = Unmanaged<Output>.fromOpaque(context!).takeUnretainedValue()
                if let bytes, count > 0 {
                    output.bytes.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: count))
                }
                return count
            }, nil, nil)
        archive_entry_set_filetype(entry, Glibc.S_IFREG)
        archive_entry_set_pathname(entry, "layer.tar")
        guard opened == ARCHIVE_OK, archive_write_header(archive, entry) == ARCHIVE_OK,
            input.isEmpty || archive_write_data(archive, input, input.count) == input.count,
            archive_write_close(archive) == ARCHIVE_OK
        else {
            throw ImageError(.io, "cannot gzip a layer: \(LayerExtractor.errorText(archive))")
        }
        withExtendedLifetime(output) {}
        return output.bytes
    }
}
