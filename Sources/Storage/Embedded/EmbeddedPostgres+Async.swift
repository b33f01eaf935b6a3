import NIOPosix

/// The cluster's blocking operations for async callers.
///
/// `initdb` and `pg_ctl` take seconds (minutes on a loaded machine). Run directly from a task
/// they would hold one of the few threads of Swift's cooperative pool for that long, and every
/// other task of the process (a host's writers, a test's database clients) would wait for them.
/// These run the same work on NIO's blocking-I/O thread pool instead.
extension EmbeddedPostgres {
    /// ``start()`` off the cooperative pool.
    @discardableResult
    public func start() async throws(StorageError) -> DatabaseTarget {
        try await Self.offThePool { () throws(StorageError) in try self.start() }
    }

    /// ``stop()`` off the cooperative pool.
    public func stop() async throws(StorageError) {
        try await Self.offThePool { () throws(StorageError) in try self.stop() }
    }

    /// ``status()`` off the cooperative pool.
    public func status() async throws(StorageError) -> Status {
        try await Self.offThePool { () throws(StorageError) in try self.status() }
    }

    static func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws(StorageError) -> Value) async throws(StorageError) -> Value {
        let result: Result<Value, StorageError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { () -> Result<Value, StorageError> in
                do throws(StorageError) { return .success(try work()) } catch { return .failure(error) }
            }
        } catch {
            throw .embeddedCluster(reason: "the blocking-I/O thread pool is not running: \(error)")
        }
        return try result.get()
    }
}
