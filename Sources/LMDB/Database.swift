import CLMDB

/// A named database inside an environment (LMDB's `MDB_dbi`). A handle, cheap to copy.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The name it was opened with.
    public let name: String
}

/// Flags for ``Transaction/put(_:key:value:flags:)``.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Fail with `.keyExists` when the key is present. The corresponding C constant is `MDB_NOOVERWRITE`.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key present (fast path). The corresponding C constant is `MDB_APPEND`.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}

/// A key and value copied out of a transaction.
public struct Entry: Sendable, Hashable {
    public let key: [UInt8]
    public let value: [UInt8]
}
