import CLMDB

/// A transaction, lent to the closure of ``Environment/read(_:)`` or ``Environment/write(_:)``.
///
/// It cannot be copied or kept: the environment commits or aborts it when the closure ends.
/// Everything it returns is copied out of the memory map.
package struct Transaction: ~Copyable {
    let handle: OpaquePointer
    /// True inside ``Environment/read(_:)``.
    package let isReadOnly: Bool

    init(handle: OpaquePointer, readOnly: Bool) {
        self.handle = handle
        self.isReadOnly = readOnly
    }

    /// The same transaction, lent again: for a scope type of the package that wraps it and is
    /// itself only ever lent to a closure. Ending it stays the environment's job (a `Transaction`
    /// has no `deinit`), so the copy must not outlive the closure it was made in.
    package func lent() -> Transaction { Transaction(handle: handle, readOnly: isReadOnly) }

    consuming func commit() -> Int32 { mdb_txn_commit(handle) }
    consuming func abort() { mdb_txn_abort(handle) }

    /// Opens (with `create`, in a write transaction, creates) the named database inside this
    /// transaction: created so, it exists only if the transaction commits.
    package func database(named name: String, create: Bool) throws -> Database {
        var dbi = MDB_dbi()
        try check(mdb_dbi_open(handle, name, create ? DBFlag.create : 0, &dbi), "mdb_dbi_open(\(name))")
        return Database(dbi: dbi, name: name)
    }

    /// The value under `key`, copied, or nil.
    package func get(_ db: Database, key: [UInt8]) throws -> [UInt8]? {
        try withValue(db, key: key) { Array($0) }
    }

    /// Lends the value under `key` to `body` without copying; nil when the key is absent.
    /// - Complexity: O(log n) in the database's size.
    package func withValue<R>(
        _ db: Database, key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        try key.withUnsafeBytes { kb -> R? in
            // LMDB never writes through the key pointer of mdb_get.
            var mk = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            var mv = MDB_val()
            let rc = mdb_get(handle, db.dbi, &mk, &mv)
            if rc == ReturnCode.notFound { return nil }
            try check(rc, "mdb_get(\(db.name))")
            return try body(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size))
        }
    }

    /// Stores `value` under `key`.
    /// - Throws: `.keyExists` with `.noOverwrite` (or `.append` out of order); `.mapFull` (the
    ///   environment grows and retries the whole write closure).
    package func put(_ db: Database, key: [UInt8], value: [UInt8], flags: PutFlags = []) throws {
        let rc = key.withUnsafeBytes { kb in
            value.withUnsafeBytes { vb in
                // mdb_put copies both; it never writes through these pointers.
                var mk = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
                var mv = MDB_val(mv_size: vb.count, mv_data: UnsafeMutableRawPointer(mutating: vb.baseAddress))
                return mdb_put(handle, db.dbi, &mk, &mv, flags.rawValue)
            }
        }
        try check(rc, "mdb_put(\(db.name))")
    }

    /// Deletes `key`; returns false when it was absent.
    @discardableResult
    package func delete(_ db: Database, key: [UInt8]) throws -> Bool {
        var k = key
        let rc = k.withUnsafeMutableBytes { kb in
            var mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
            return mdb_del(handle, db.dbi, &mk, nil)
        }
        if rc == ReturnCode.notFound { return false }
        try check(rc, "mdb_del(\(db.name))")
        return true
    }

    /// Removes every entry of `db` (the database itself stays).
    package func clear(_ db: Database) throws {
        try check(mdb_drop(handle, db.dbi, 0), "mdb_drop(\(db.name))")
    }

    /// Number of entries in `db`.
    package func count(_ db: Database) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, db.dbi, &stat), "mdb_stat(\(db.name))")
        return stat.ms_entries
    }

    /// Calls `body` with each entry of `db` in key order, from the first key >= `start` (the
    /// first entry when nil); `body` returns false to stop. One cursor, inside this transaction.
    package func forEach(_ db: Database, from start: [UInt8]? = nil, _ body: (Entry) throws -> Bool) throws {
        try withCursor(db) { cursor in
            var entry = try start.map { try cursor.seek(atLeast: $0) } ?? cursor.first()
            while let e = entry, try body(e) { entry = try cursor.next() }
        }
    }

    /// Calls `body` with each key and value of `db` in key order, as LMDB holds them in the map:
    /// no copy, and the buffers are valid only during the call. `body` returns false to stop.
    package func forEachInPlace(_ db: Database, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        try withCursor(db) { cursor in
            var mk = MDB_val()
            var mv = MDB_val()
            var op = CursorOp.first
            while true {
                let rc = mdb_cursor_get(cursor.handle, &mk, &mv, op)
                if rc == ReturnCode.notFound { return }
                try check(rc, "mdb_cursor_get(\(db.name))")
                let key = UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size)
                guard try body(key, UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size)) else { return }
                op = CursorOp.next
            }
        }
    }

    /// Lends a cursor over `db` to `body`; it is closed when `body` returns.
    package func withCursor<R>(_ db: Database, _ body: (borrowing Cursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor), "mdb_cursor_open(\(db.name))")
        let c = Cursor(handle: cursor!, name: db.name)
        defer { mdb_cursor_close(cursor) }
        return try body(c)
    }

}

/// A cursor, lent inside ``Transaction/withCursor(_:_:)-(…)``. Each move returns the entry it
/// lands on, copied, or nil past the end.
package struct Cursor: ~Copyable {
    let handle: OpaquePointer
    let name: String

    private func move(_ op: MDB_cursor_op, key: [UInt8]? = nil) throws -> Entry? {
        var mk = MDB_val()
        var mv = MDB_val()
        var keyCopy = key ?? []
        let rc = keyCopy.withUnsafeMutableBytes { kb in
            if key != nil { mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress) }
            return mdb_cursor_get(handle, &mk, &mv, op)
        }
        if rc == ReturnCode.notFound { return nil }
        try check(rc, "mdb_cursor_get(\(name))")
        return Entry(
            key: Array(UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size)),
            value: Array(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size))
        )
    }

    /// The first entry.
    package func first() throws -> Entry? { try move(CursorOp.first) }
    /// The last entry.
    package func last() throws -> Entry? { try move(CursorOp.last) }
    /// The entry after the current one.
    package func next() throws -> Entry? { try move(CursorOp.next) }
    /// The first entry whose key is >= `key`.
    /// - Complexity: O(log n).
    package func seek(atLeast key: [UInt8]) throws -> Entry? { try move(CursorOp.setRange, key: key) }
}
