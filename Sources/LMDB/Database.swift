import CLMDB

/// A named database inside an environment (LMDB's `MDB_dbi`). A handle, cheap to copy.
package struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The name it was opened with.
    package let name: String
}

/// Flags for ``Transaction/put(_:key:value:flags:)``.
package struct PutFlags: OptionSet, Sendable {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Fail with `.keyExists` when the key is present. The corresponding C constant is `MDB_NOOVERWRITE`.
    package static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key present (fast path). The corresponding C constant is `MDB_APPEND`.
    package static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}

/// A key and value copied out of a transaction.
package struct Entry: Sendable, Hashable {
    package let key: [UInt8]
    package let value: [UInt8]
}
