import CLMDB
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Environment {
    /// Writes a copy of the environment into `directory` (which must exist and hold no
    /// `data.mdb`): with `compact`, LMDB's compacting copy (`MDB_CP_COMPACT`: only the pages in
    /// use, free pages left out), made inside one read transaction, so the copy is one committed
    /// state while writers go on.
    package func copy(to directory: String, compact: Bool) throws {
        for attempt in 0..<3 {
            // A map another process grew must be adopted first (a read transaction does).
            try read { _ in }
            let rc = mdb_env_copy2(handle, directory, compact ? UInt32(MDB_CP_COMPACT) : 0)
            if rc == ReturnCode.mapResized, attempt < 2 {
                unlink(directory + "/data.mdb")
                continue
            }
            try check(rc, "mdb_env_copy2(\(directory))")
            return
        }
    }

    /// How many times a private snapshot is attempted before giving up (each attempt fails only
    /// when a writer committed while the file was being copied).
    static let snapshotAttempts = 20

    /// A reader that may not write the lock file (another Unix user with read permission only)
    /// cannot take a reader slot, and without one a writer may reuse the pages it is reading.
    /// So it reads a private copy instead: the environment is opened without locks, copied page
    /// by page (`mdb_env_copy2`, no compaction: the file's bytes, never interpreted) into a fresh
    /// directory under `$TMPDIR`, and the copy is kept only if no transaction was committed
    /// while it was made (the last transaction id, read from the meta pages before and after,
    /// is the same: nothing the copy holds was rewritten meanwhile). The copy is opened normally,
    /// its files unlinked at once (the open handles keep them until the process ends, also when it
    /// is killed), and the ledger's own directory is never written.
    ///
    /// - Returns: the opened copy and the transaction id it holds.
    static func openPrivateSnapshot(of path: String, options: Options) throws -> (OpaquePointer, UInt64) {
        var lastError = LMDBError(code: .other, operation: "snapshot \(path)", message: "no attempt")
        for attempt in 0..<snapshotAttempts {
            if attempt > 0 { usleep(useconds_t(min(50_000 * attempt, 500_000))) }
            let directory = try makeTemporaryDirectory()
            defer {
                for file in ["data.mdb", "lock.mdb"] { unlink(directory + "/" + file) }
                rmdir(directory)
            }
            let copied: UInt64
            do {
                guard let txnid = try copyUnlocked(path, to: directory, options: options) else {
                    lastError = LMDBError(
                        code: .other, operation: "snapshot \(path)",
                        message: "the ledger changed during each of \(snapshotAttempts) attempts to copy it")
                    continue
                }
                copied = txnid
            }
            let handle = try openEnvironment(directory, flags: EnvFlag.noTLS | EnvFlag.readOnly, options: options)
            return (handle, copied)
        }
        throw lastError
    }

    /// Copies the environment at `path`, opened without locks, into `directory`; nil when a
    /// transaction was committed meanwhile.
    private static func copyUnlocked(_ path: String, to directory: String, options: Options) throws -> UInt64? {
        let source = try openEnvironment(path, flags: EnvFlag.noTLS | EnvFlag.readOnly | EnvFlag.noLock, options: options)
        defer { mdb_env_close(source) }
        let before = lastTransaction(source)
        try check(mdb_env_copy2(source, directory, 0), "mdb_env_copy2(\(path))")
        let after = lastTransaction(source)
        return before == after ? before : nil
    }

    /// The id of the last committed transaction, read from the meta pages in the map.
    private static func lastTransaction(_ handle: OpaquePointer) -> UInt64 {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return UInt64(info.me_last_txnid)
    }

    static func openEnvironment(_ path: String, flags: UInt32, options: Options) throws -> OpaquePointer {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: .other, operation: "mdb_env_create", message: "no handle") }
        do {
            try check(mdb_env_set_maxdbs(env, options.maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_mapsize(env, options.initialMapSize), "mdb_env_set_mapsize")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_open(env, path, flags, options.fileMode), "mdb_env_open(\(path))")
        } catch {
            // LMDB: after a failed mdb_env_open the handle must be closed, never opened again.
            mdb_env_close(env)
            throw error
        }
        return env
    }

    /// A new directory, mode 0700, under `$TMPDIR` (else /tmp).
    private static func makeTemporaryDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/amparo-snapshot-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw LMDBError(returnCode: errno, operation: "mkdtemp(\(base))")
        }
        return String(cString: made)
    }
}
