import CLMDB
import Foundation
import Synchronization

// Release builds (whole-module) attribute the C library's `stat` to Dispatch's clang module, whose
// members MemberImportVisibility then hides unless it is imported here.
#if canImport(CDispatch)
    import CDispatch
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// A process holds at most one `Environment` per path (LMDB forbids opening the same environment
/// twice in one process); ``open(path:options:)`` hands out the instance already open. Transactions
/// exist only inside ``read(_:)`` and ``write(_:)`` closures. The map grows by itself when a write
/// fills it.
///
/// Thread safety: the environment may be shared across threads; each transaction belongs to the
/// thread that runs its closure. The environment is opened with `MDB_NOTLS`, so a read transaction
/// is not tied to a thread-local slot.
package final class Environment: @unchecked Sendable {
    /// How to open an environment.
    package struct Options: Sendable {
        /// Initial map size in bytes. The map grows on `MDB_MAP_FULL`, so this is only a start.
        package var initialMapSize: Int = 64 << 20
        /// Upper bound for automatic growth; `MDB_MAP_FULL` past it is reported to the caller.
        package var maximumMapSize: Int = 1 << 40
        /// How many named databases the environment may hold.
        package var maxDatabases: UInt32 = 48
        /// Create the directory and files when missing.
        package var create: Bool = false
        /// File mode for new files.
        package var fileMode: mode_t = 0o600
        /// Open for reading only (`MDB_RDONLY`): for ledgers on read-only media or restored
        /// copies an auditor must not change. Write transactions fail with `.permissionDenied`.
        package var readOnly: Bool = false
        /// Reader slots in the lock file (LMDB's default, 126). Only the process that creates
        /// the lock file sets it; later ones use the table as it is.
        package var maxReaders: UInt32 = 126
        package init() {}
    }

    let handle: OpaquePointer
    /// The canonical path this environment was opened at.
    package let path: String
    let options: Options
    /// When this process could not write the lock file and reads a private copy instead
    /// (``openPrivateSnapshot(of:options:)``): the transaction id the copy holds. Nil otherwise.
    package let privateSnapshot: UInt64?
    /// Guards `activeTransactions` and `resizing`; waited on while the map is being resized.
    private let condition = NSCondition()
    /// Held for the whole of a write transaction (and a resize it needs): one writer at a time.
    private let writerLock = Mutex<Void>(())
    private var activeTransactions = 0
    private var resizing = false
    /// How long a map resize waits for this process's open transactions to end.
    static let resizeWait: TimeInterval = 60

    private static let registry = Mutex<[String: Weak]>([:])
    private struct Weak { weak var environment: Environment? }

    /// Opens the environment at `path`, or returns the instance this process already has open there.
    ///
    /// - Throws: ``LMDBError`` with code `.noSuchFile` when the directory (or its `data.mdb`, unless
    ///   `options.create`) is missing, `.invalidFile` when `data.mdb` is not an LMDB file.
    package static func open(path: String, options: Options = Options()) throws -> Environment {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if options.create {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw LMDBError(code: .permissionDenied, operation: "mkdir \(path)", message: "\(error.localizedDescription)")
            }
        }
        let canonical = url.resolvingSymlinksInPath().path
        return try registry.withLock { registry in
            if let existing = registry[canonical]?.environment { return existing }
            let environment = try Environment(path: canonical, options: options)
            registry[canonical] = Weak(environment: environment)
            return environment
        }
    }

    private init(path: String, options: Options) throws {
        let dataFile = path + "/data.mdb"
        if !options.create {
            guard FileManager.default.fileExists(atPath: dataFile) else {
                throw LMDBError(code: .noSuchFile, operation: "open \(path)", message: "no data.mdb in \(path)")
            }
            // Refuse a file that is not LMDB before LMDB touches anything (it would create lock.mdb).
            guard Environment.hasLMDBMagic(dataFile) else {
                throw LMDBError(code: .invalidFile, operation: "open \(path)", message: "\(dataFile) is not an LMDB file")
            }
        }
        if !options.readOnly { try Environment.allocateLockFile(path + "/lock.mdb", readers: options.maxReaders) }
        var flags = EnvFlag.noTLS
        if options.readOnly { flags |= EnvFlag.readOnly }
        let env: OpaquePointer
        var snapshot: UInt64?
        do {
            env = try Environment.openEnvironment(path, flags: flags, options: options)
        } catch let error as LMDBError where error.returnCode == EACCES && options.readOnly {
            // A lock file this user may not write (a directory owned by another user, mode
            // 0755/0644): read a private copy rather than read without locks beside a writer.
            do {
                (env, snapshot) = try Environment.openPrivateSnapshot(of: path, options: options)
            } catch let error as LMDBError {
                // Said in the reader's terms: the copy, not the ledger, is what failed.
                throw LMDBError(
                    code: .other, operation: "a private copy in $TMPDIR (this user may not write lock.mdb)",
                    message: "\(error.message); give TMPDIR a disk with room for data.mdb, or the user write permission on lock.mdb")
            }
        }
        // Reader slots left by processes that died inside a read transaction are never freed by
        // LMDB itself: clear them now, or enough killed readers lock every process out.
        var dead: Int32 = 0
        if !options.readOnly { _ = mdb_reader_check(env, &dead) }
        self.handle = env
        self.path = path
        self.options = options
        self.privateSnapshot = snapshot
    }

    deinit {
        mdb_env_close(handle)
    }

    /// LMDB maps its lock file (the reader table) and writes to it through the map. On a full
    /// file system, a lock file with holes (new, or copied sparse) makes that first write a
    /// SIGBUS that kills the process. Allocating its blocks first turns that into ENOSPC, an
    /// error the caller can report. The table is (readers + 2) × 64 bytes on x86-64 and arm64.
    static func allocateLockFile(_ file: String, readers: UInt32) throws {
        let fd = Glibc.open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            // A read-only directory: let LMDB say so in its own terms (opened read-only later).
            if code == EROFS || code == EACCES || code == ENOENT { return }
            throw LMDBError(returnCode: code, operation: "open(\(file))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LMDBError(returnCode: errno, operation: "fstat(\(file))") }
        let page = 4096
        let needed = (Int(readers) + 2) * 64
        let size = max(Int(info.st_size), (needed + page - 1) / page * page)
        let rc = posix_fallocate(fd, 0, off_t(size))
        if rc != 0, rc != EOPNOTSUPP, rc != EINVAL { throw LMDBError(returnCode: rc, operation: "posix_fallocate(\(file))") }
    }

    /// LMDB's meta page begins with the magic `0xBEEFC0DE` after a 16-byte page header.
    static func hasLMDBMagic(_ file: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: file) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 20), head.count == 20 else { return false }
        let magic = UInt32(head[16]) | UInt32(head[17]) << 8 | UInt32(head[18]) << 16 | UInt32(head[19]) << 24
        return magic == 0xBEEF_C0DE
    }

    /// The current map size in bytes.
    package var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Opens (and with `create`, creates) a named database. Handles stay valid for the life of the
    /// environment.
    package func database(named name: String, create: Bool) throws -> Database {
        let open: (borrowing Transaction) throws -> Database = { txn in
            var dbi = MDB_dbi()
            try check(mdb_dbi_open(txn.handle, name, create ? DBFlag.create : 0, &dbi), "mdb_dbi_open(\(name))")
            return Database(dbi: dbi, name: name)
        }
        return create ? try write(open) : try read(open)
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot that never blocks the writer.
    ///
    /// Values read are copied out (or lent inside the closure); nothing outlives the transaction.
    /// The first error thrown by `body` aborts the transaction and is rethrown.
    package func read<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        if let pin = Environment.pinned, pin.environment == ObjectIdentifier(self) {
            return try body(Transaction(handle: pin.handle, readOnly: pin.readOnly))
        }
        return try run(readOnly: true, body)
    }

    /// The transaction a task is inside (``snapshot(_:)``, ``read(_:)``, ``write(_:)``): reads made
    /// inside it join it rather than open another.
    struct Pin: @unchecked Sendable {
        let environment: ObjectIdentifier
        let handle: OpaquePointer
        /// False inside a write: a read that joins it sees the write's own changes.
        let readOnly: Bool
    }
    @TaskLocal static var pinned: Pin?

    /// Runs `body` with one read transaction held: every ``read(_:)`` of this environment made
    /// inside it, by the same task, reads that one snapshot, so several reads (a web page's) agree
    /// with each other whatever is committed meanwhile. `body` must not write.
    package func snapshot<R>(_ body: () throws -> R) throws -> R {
        if let pin = Environment.pinned, pin.environment == ObjectIdentifier(self) { return try body() }
        return try run(readOnly: true) { _ in try body() }
    }

    /// Runs `body` in the single write transaction; commits when it returns, aborts when it throws.
    ///
    /// When the map is full, the transaction is aborted, the map grows and `body` runs again from
    /// the start, so `body` must not have effects outside the transaction.
    package func write<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        // The result is not `sending`: it is kept outside the lock's closure.
        var result: R?
        try writerLock.withLock { _ in
            while true {
                do {
                    result = try run(readOnly: false, body)
                    return
                } catch let error as LMDBError where error.code == .mapFull {
                    try grow(after: error)
                }
            }
        }
        return result!
    }

    /// Runs `body` in a new transaction, pinned for the task meanwhile: every ``read(_:)`` of this
    /// environment made inside it reads that transaction (inside a write, the write's own view).
    private func run<R>(readOnly: Bool, _ body: (borrowing Transaction) throws -> R) throws -> R {
        let txn = try begin(readOnly: readOnly)
        let result: R
        do {
            let pin = Pin(environment: ObjectIdentifier(self), handle: txn.handle, readOnly: readOnly)
            result = try Environment.$pinned.withValue(pin) { try body(txn) }
        } catch {
            txn.abort()
            end()
            throw error
        }
        // A read-only transaction is committed too: that is what makes database handles opened in
        // it usable by later transactions. mdb_txn_commit frees the handle even when it fails: never abort after it.
        let rc = txn.commit()
        end()
        try check(rc, "mdb_txn_commit")
        return result
    }

    private func begin(readOnly: Bool) throws -> Transaction {
        condition.lock()
        defer { condition.unlock() }
        var checkedReaders = false
        while true {
            // A resize in progress: no transaction may begin until the map has its new size.
            while resizing { condition.wait() }
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, readOnly ? EnvFlag.readOnly : 0, &txn)
            if rc == ReturnCode.mapResized {
                // Another process grew the map: adopt its size (once our transactions have ended).
                try resize(to: 0)
                continue
            }
            if rc == ReturnCode.readersFull, !checkedReaders {
                // Slots of readers that were killed: reclaim them, then try once more.
                checkedReaders = true
                var dead: Int32 = 0
                if mdb_reader_check(handle, &dead) == ReturnCode.success, dead > 0 { continue }
            }
            try check(rc, readOnly ? "mdb_txn_begin(read)" : "mdb_txn_begin(write)")
            activeTransactions += 1
            return Transaction(handle: txn!, readOnly: readOnly)
        }
    }

    private func end() {
        condition.lock()
        activeTransactions -= 1
        if activeTransactions == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Sets the map size (0: adopt the size another process set). LMDB allows it only while this
    /// process has no transaction open: new transactions wait, and this waits for open ones to
    /// end (a reader on another thread never makes growth fail, it only delays it).
    /// Call with `condition` locked.
    private func resize(to size: Int) throws {
        resizing = true
        defer {
            resizing = false
            condition.broadcast()
        }
        let deadline = Date(timeIntervalSinceNow: Environment.resizeWait)
        while activeTransactions > 0 {
            guard condition.wait(until: deadline) else {
                throw LMDBError(
                    code: .mapFull, operation: "mdb_env_set_mapsize",
                    message: "a transaction of this process stayed open for \(Int(Environment.resizeWait)) s while the map had to grow")
            }
        }
        try check(mdb_env_set_mapsize(handle, size), "mdb_env_set_mapsize(\(size))")
    }

    /// Doubles the map, between transactions and under the writer's lock, as LMDB requires.
    private func grow(after error: LMDBError) throws {
        condition.lock()
        defer { condition.unlock() }
        let current = mapSize
        guard current < options.maximumMapSize else { throw error }
        try resize(to: min(options.maximumMapSize, current * 2))
    }

    /// Grows the map, when needed, so that about `bytes` more can be written before it is full: a
    /// write known to be large (a bundle import in one transaction) then runs once instead of once
    /// per doubling. Bounded by the maximum map size; the map still grows on `MDB_MAP_FULL`.
    package func reserve(bytes: Int) throws {
        try writerLock.withLock { _ in
            condition.lock()
            defer { condition.unlock() }
            try reserveLocked(bytes: bytes)
        }
    }

    /// ``reserve(bytes:)`` with the writer's lock and `condition` held.
    private func reserveLocked(bytes: Int) throws {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        mdb_env_info(handle, &info)
        try check(mdb_env_stat(handle, &stat), "mdb_env_stat")
        let used = (info.me_last_pgno + 1) * Int(stat.ms_psize)
        let (sum, overflow) = used.addingReportingOverflow(max(0, bytes))
        let needed = overflow ? Int.max : sum
        let current = info.me_mapsize
        guard needed > current, current < options.maximumMapSize else { return }
        try resize(to: min(options.maximumMapSize, max(needed, current * 2)))
    }
}
