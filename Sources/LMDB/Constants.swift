import CLMDB

// The one place where LMDB's C constants become Swift values. `MDB_*` constants arrive as
// `Int32`; flag parameters take `UInt32`.

/// Environment flags used by this wrapper.
enum EnvFlag {
    /// Read transactions are not bound to thread-local slots: Swift reuses threads, so a slot must
    /// belong to the transaction, not the thread. The corresponding C constant is `MDB_NOTLS`.
    static let noTLS = UInt32(MDB_NOTLS)
    /// The corresponding C constant is `MDB_RDONLY`.
    static let readOnly = UInt32(MDB_RDONLY)
    /// No lock file: only for read-only media, where no writer can exist. The corresponding C
    /// constant is `MDB_NOLOCK`.
    static let noLock = UInt32(MDB_NOLOCK)
}

/// Database (dbi) flags. The corresponding C constant is `MDB_CREATE`.
enum DBFlag {
    static let create = UInt32(MDB_CREATE)
}

/// Return codes the wrapper reacts to.
enum ReturnCode {
    static let success: Int32 = MDB_SUCCESS
    /// The corresponding C constant is `MDB_NOTFOUND`.
    static let notFound: Int32 = MDB_NOTFOUND
    /// The corresponding C constant is `MDB_KEYEXIST`.
    static let keyExists: Int32 = MDB_KEYEXIST
    /// The corresponding C constant is `MDB_MAP_FULL`.
    static let mapFull: Int32 = MDB_MAP_FULL
    /// The corresponding C constant is `MDB_MAP_RESIZED`.
    static let mapResized: Int32 = MDB_MAP_RESIZED
    /// The corresponding C constant is `MDB_INVALID`.
    static let invalid: Int32 = MDB_INVALID
    /// The corresponding C constant is `MDB_VERSION_MISMATCH`.
    static let versionMismatch: Int32 = MDB_VERSION_MISMATCH
    /// The corresponding C constant is `MDB_PANIC`.
    static let panic: Int32 = MDB_PANIC
    /// The corresponding C constant is `MDB_DBS_FULL`.
    static let dbsFull: Int32 = MDB_DBS_FULL
    /// The corresponding C constant is `MDB_READERS_FULL`.
    static let readersFull: Int32 = MDB_READERS_FULL
    /// The corresponding C constant is `MDB_CORRUPTED`.
    static let corrupted: Int32 = MDB_CORRUPTED
}

/// Cursor operations. The corresponding C type is `MDB_cursor_op`.
enum CursorOp {
    static let first = MDB_FIRST
    static let last = MDB_LAST
    static let next = MDB_NEXT
    static let prev = MDB_PREV
    static let setRange = MDB_SET_RANGE
}
