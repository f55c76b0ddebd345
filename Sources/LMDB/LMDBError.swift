import CLMDB

#if canImport(Glibc)
    import Glibc
#endif

/// An error from LMDB or from this wrapper, with a code callers can match and a message a person
/// can act on.
///
/// Equality compares the code only, so tests can write `#expect(throws: LMDBError.mapFull)`.
public struct LMDBError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable value. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Wrapped: Hashable, Sendable {
            case notFound, keyExists, mapFull, mapResized, invalidFile, versionMismatch
            case panic, corrupted, databasesFull, readersFull, diskFull, permissionDenied
            case noSuchFile, other
        }
        let wrapped: Wrapped
        public static let notFound = Code(wrapped: .notFound)
        public static let keyExists = Code(wrapped: .keyExists)
        public static let mapFull = Code(wrapped: .mapFull)
        public static let mapResized = Code(wrapped: .mapResized)
        public static let invalidFile = Code(wrapped: .invalidFile)
        public static let versionMismatch = Code(wrapped: .versionMismatch)
        public static let panic = Code(wrapped: .panic)
        public static let corrupted = Code(wrapped: .corrupted)
        public static let databasesFull = Code(wrapped: .databasesFull)
        public static let readersFull = Code(wrapped: .readersFull)
        /// The file system is full, a file size limit was reached, or a write came up short
        /// (`ENOSPC`, `EDQUOT`, `EFBIG`, `EIO`).
        public static let diskFull = Code(wrapped: .diskFull)
        public static let permissionDenied = Code(wrapped: .permissionDenied)
        public static let noSuchFile = Code(wrapped: .noSuchFile)
        public static let other = Code(wrapped: .other)
        public var description: String { "\(wrapped)" }
    }

    public let code: Code
    /// The raw return code (an LMDB `MDB_*` value or an `errno`).
    public let returnCode: Int32
    /// What the wrapper was doing, e.g. `mdb_put(events)`.
    public let operation: String
    public let message: String

    init(returnCode rc: Int32, operation: String) {
        self.returnCode = rc
        self.operation = operation
        self.message = String(cString: mdb_strerror(rc))
        switch rc {
        case ReturnCode.notFound: code = .notFound
        case ReturnCode.keyExists: code = .keyExists
        case ReturnCode.mapFull: code = .mapFull
        case ReturnCode.mapResized: code = .mapResized
        case ReturnCode.invalid: code = .invalidFile
        case ReturnCode.versionMismatch: code = .versionMismatch
        case ReturnCode.panic: code = .panic
        case ReturnCode.corrupted: code = .corrupted
        case ReturnCode.dbsFull: code = .databasesFull
        case ReturnCode.readersFull: code = .readersFull
        // LMDB reports a short write (the file system filled up mid-write) as EIO.
        case ENOSPC, EDQUOT, EFBIG, EIO: code = .diskFull
        case EACCES, EPERM, EROFS: code = .permissionDenied
        case ENOENT: code = .noSuchFile
        default: code = .other
        }
    }

    init(code: Code, operation: String, message: String) {
        self.code = code
        self.returnCode = 0
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    public static func == (lhs: LMDBError, rhs: LMDBError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public static let notFound = LMDBError(code: .notFound, operation: "", message: "not found")
    public static let mapFull = LMDBError(code: .mapFull, operation: "", message: "map full")
    public static let diskFull = LMDBError(code: .diskFull, operation: "", message: "disk full")
}

/// Turns every LMDB return code into a throw. No return code is ignored.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws {
    if rc != ReturnCode.success { throw LMDBError(returnCode: rc, operation: operation()) }
}
