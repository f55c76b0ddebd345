import CLMDB

#if canImport(Glibc)
    import Glibc
#endif

/// An error from LMDB or from this wrapper, with a code callers can match and a message a person
/// can act on.
///
/// Equality compares the code only, so tests can write `#expect(throws: LMDBError.mapFull)`.
package struct LMDBError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable value. New codes may be added without breaking callers.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Wrapped: Hashable, Sendable {
            case notFound, keyExists, mapFull, mapResized, invalidFile, versionMismatch
            case panic, corrupted, databasesFull, readersFull, diskFull, permissionDenied
            case noSuchFile, other
        }
        let wrapped: Wrapped
        package static let notFound = Code(wrapped: .notFound)
        package static let keyExists = Code(wrapped: .keyExists)
        package static let mapFull = Code(wrapped: .mapFull)
        package static let mapResized = Code(wrapped: .mapResized)
        package static let invalidFile = Code(wrapped: .invalidFile)
        package static let versionMismatch = Code(wrapped: .versionMismatch)
        package static let panic = Code(wrapped: .panic)
        package static let corrupted = Code(wrapped: .corrupted)
        package static let databasesFull = Code(wrapped: .databasesFull)
        package static let readersFull = Code(wrapped: .readersFull)
        /// The file system is full, a file size limit was reached, or a write came up short
        /// (`ENOSPC`, `EDQUOT`, `EFBIG`, `EIO`).
        package static let diskFull = Code(wrapped: .diskFull)
        package static let permissionDenied = Code(wrapped: .permissionDenied)
        package static let noSuchFile = Code(wrapped: .noSuchFile)
        package static let other = Code(wrapped: .other)
        package var description: String { "\(wrapped)" }
    }

    package let code: Code
    /// The raw return code (an LMDB `MDB_*` value or an `errno`).
    package let returnCode: Int32
    /// What the wrapper was doing, e.g. `mdb_put(events)`.
    package let operation: String
    package let message: String

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

    package var description: String { "\(operation): \(message)" }

    package static func == (lhs: LMDBError, rhs: LMDBError) -> Bool { lhs.code == rhs.code }
    package func hash(into hasher: inout Hasher) { hasher.combine(code) }

    package static let notFound = LMDBError(code: .notFound, operation: "", message: "not found")
    package static let mapFull = LMDBError(code: .mapFull, operation: "", message: "map full")
    package static let diskFull = LMDBError(code: .diskFull, operation: "", message: "disk full")
}

/// Turns every LMDB return code into a throw. No return code is ignored.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws {
    if rc != ReturnCode.success { throw LMDBError(returnCode: rc, operation: operation()) }
}
