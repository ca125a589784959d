import Glibc

/// Runs a synchronous closure on a fresh POSIX thread and waits for it, so that per-thread
/// kernel state (the network namespace) can be changed without touching any pooled thread.
enum DedicatedThread {
    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func run<T>(_ body: () throws(NetworkError) -> T) throws(NetworkError) -> T {
        var result: Result<T, NetworkError>?
        let started: Int32 = withoutActuallyEscaping(body) { body in
            let work = Work {
                do throws(NetworkError) { result = .success(try body()) } catch { result = .failure(error) }
            }
            let context = Unmanaged.passRetained(work).toOpaque()
            var thread = pthread_t()
            let created = pthread_create(
                &thread, nil,
                { context in
                    let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
                    work.body()
                    return nil
                }, context)
            guard created == 0 else {
                Unmanaged<Work>.fromOpaque(context).release()
                return created
            }
            pthread_join(thread, nil)
            return 0
        }
        guard started == 0 else {
            throw NetworkError(.systemCall, "starting a thread to enter a network namespace failed", errno: started)
        }
        return try result!.get()
    }
}
