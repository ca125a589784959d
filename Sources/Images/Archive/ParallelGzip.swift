import CArchive
import Dispatch
import Glibc
import Synchronization

/// Gzip on every core, behind the writer: the input is cut into fixed 4 MiB chunks, each
/// compressed as its own gzip member on a worker thread while the caller goes on producing the
/// next ones, and the members are handed to the sink in order. Concatenated members are one
/// valid gzip stream (RFC 1952, read by gzip, zlib, Go, libarchive); fixed chunk boundaries keep
/// the output the same whatever the number of cores, so layers stay reproducible.
final class ParallelGzip {
    static let chunkSize = 4 << 20
    /// Chunks compressing or compressed but not yet emitted: enough to keep every core busy
    /// while the producer fills the next chunk, few enough to bound memory (~8 MiB a chunk).
    private let depth: Int
    /// One serial queue per worker, chunks dealt round robin: at most `workers` compress at once.
    private let queues: [DispatchQueue]
    private let sink: (UnsafeRawBufferPointer) throws(ImageError) -> Void
    private var current: [UInt8] = []
    private var inFlight: [Member] = []
    private var submitted = 0

    /// One chunk's member, filled in by a worker.
    private final class Member: Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private let outcome = Mutex<Result<[UInt8], ImageError>?>(nil)

        func complete(_ result: Result<[UInt8], ImageError>) {
            outcome.withLock { $0 = result }
            ready.signal()
        }

        var isReady: Bool { outcome.withLock { $0 != nil } }

        func wait() -> Result<[UInt8], ImageError> {
            ready.wait()
            return outcome.withLock { $0 ?? .failure(ImageError(.io, "gzip: a chunk was not compressed")) }
        }
    }

    /// `sink` receives the compressed stream, in order, on the caller's thread. `deepBacklog`
    /// lets more chunks wait for a worker (32 MiB more), for a caller that is busy itself
    /// (unpacking while its layer is compressed) and should not wait for the compressor.
    init(deepBacklog: Bool = false, sink: @escaping (UnsafeRawBufferPointer) throws(ImageError) -> Void) {
        self.sink = sink
        let workers = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        depth = deepBacklog ? workers + 8 : 2 * workers
        queues = (0..<workers).map { DispatchQueue(label: "swiftstack.gzip.\($0)", qos: .userInitiated) }
        current.reserveCapacity(Self.chunkSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ImageError) {
        var offset = 0
        while offset < bytes.count {
            let take = min(Self.chunkSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == Self.chunkSize {
                let chunk = current
                current = []
                current.reserveCapacity(Self.chunkSize)
                try submit(chunk)
            }
        }
    }

    /// Compresses what is left (an empty input still makes one empty member) and emits the rest.
    func finish() throws(ImageError) {
        if !current.isEmpty || submitted == 0 {
            let chunk = current
            current = []
            try submit(chunk)
        }
        while !inFlight.isEmpty { try emitOldest() }
    }

    private func submit(_ chunk: [UInt8]) throws(ImageError) {
        while inFlight.count >= depth { try emitOldest() }
        let member = Member()
        queues[submitted % queues.count].async {
            member.complete(Result { () throws(ImageError) -> [UInt8] in try Self.compress(chunk) })
        }
        inFlight.append(member)
        submitted += 1
        while let oldest = inFlight.first, oldest.isReady { try emitOldest() }
    }

    private func emitOldest() throws(ImageError) {
        let member = try inFlight.removeFirst().wait().get()
        var failure: ImageError?
        member.withUnsafeBytes { raw in
            do throws(ImageError) { try sink(raw) } catch { failure = error }
        }
        if let failure { throw failure }
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
