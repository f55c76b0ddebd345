import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one mapping from an operating-system failure (`errno`) to a sentence a person can act on,
/// and bounded file reading. Every layer that touches files reports failures through here, so a
/// full disk, a permission problem or read-only media read the same wherever they happen.
public enum FileIO {
    /// Hard bound on any input file or standard input read whole (drafts, keys, checkpoints,
    /// proofs, payload files): 64 MiB.
    public static let maximumInput = 64 << 20

    /// The error for `code` while `doing` something with `path` ("read", "write", "create").
    public static func failure(_ code: Int32, _ doing: String, _ path: String) -> LedgerError {
        switch code {
        case ENOSPC, EDQUOT, EFBIG, EIO:
            return LedgerError(
                .diskFull, "could not \(doing) \(path): the disk is full or failing (\(String(cString: strerror(code)))); free space and try again")
        case EROFS:
            return LedgerError(.readOnly, "could not \(doing) \(path): it is on read-only media")
        case EACCES, EPERM:
            return LedgerError(.io, "could not \(doing) \(path): permission denied; check the owner and mode of the file and its directory")
        case ENOENT:
            return LedgerError(.io, "could not \(doing) \(path): no such file or directory")
        case EISDIR:
            return LedgerError(.io, "could not \(doing) \(path): it is a directory, not a file")
        case ENOTDIR:
            return LedgerError(.io, "could not \(doing) \(path): a part of the path is not a directory")
        case EEXIST:
            return LedgerError(.fileExists, "\(path) already exists; choose another path or remove it first")
        default:
            return LedgerError(.io, "could not \(doing) \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Makes the directory `path` and its missing parents (mode 0755), with errors that say what
    /// to do: a virtual file system such as /proc refuses with "no such file or directory",
    /// which names neither the cause nor the way out.
    public static func makeDirectories(_ path: String, purpose: String) throws(LedgerError) {
        var made = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            made += (made.isEmpty || made.hasSuffix("/") ? "" : "/") + part
            var info = stat()
            if stat(made, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR {
                    throw LedgerError(.io, "cannot create \(purpose) \(path): \(made) is a file, not a directory; choose another path")
                }
                continue
            }
            guard mkdir(made, 0o755) == 0 || errno == EEXIST else {
                let code = errno
                let cause = code == ENOENT ? "the file system there takes no new directories (as /proc and /sys)" : String(cString: strerror(code))
                throw LedgerError(.io, "cannot create \(purpose) \(path): \(cause); choose a path on a disk you can write to")
            }
        }
    }

    /// Reads a whole regular file (or a pipe, a terminal, a character device) of at most `limit`
    /// bytes. "-" is standard input. A directory, a missing file, a file past the bound: one
    /// sentence naming the file.
    public static func read(_ path: String, limit: Int = maximumInput) throws(LedgerError) -> [UInt8] {
        let reader = try Reader(path: path)
        var out: [UInt8] = []
        while case let chunk = try reader.read(upTo: 1 << 16), !chunk.isEmpty {
            guard out.count + chunk.count <= limit else {
                throw LedgerError(.usage, "\(reader.name) is larger than \(FileIO.bytesText(limit)), the bound for this input; refused")
            }
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// A file (or "-", standard input) open for reading in chunks; closed when released. A
    /// directory is refused when opened.
    public final class Reader: @unchecked Sendable {  // one owner reads it; the descriptor never changes
        let fd: Int32
        /// The file's name in messages ("standard input" for "-").
        public let name: String

        public init(path: String) throws(LedgerError) {
            name = path == "-" ? "standard input" : path
            fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw failure(errno, "read", name) }
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw failure(EISDIR, "read", name) }
        }

        deinit { if fd > 0 { close(fd) } }

        /// Up to `count` bytes; empty at the end.
        public func read(upTo count: Int) throws(LedgerError) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else { throw failure(errno, "read", name) }
                buffer.removeSubrange(n...)
                return buffer
            }
        }
    }

    /// The refusal of an output file that exists (every `--out`: refused, `--force` replaces).
    public static func exists(_ path: String) -> LedgerError {
        LedgerError(.fileExists, "\(path) already exists; give --force to replace it, or choose another --out")
    }

    /// Refuses `path` when it exists and `replacing` is false: checked before long work, and
    /// again, atomically, when the file is put in place (``create(_:replacing:_:)``).
    public static func refuseExisting(_ path: String, replacing: Bool) throws(LedgerError) {
        var info = stat()
        if !replacing, lstat(path, &info) == 0 { throw exists(path) }
    }

    /// Writes a new file through `produce` (which is handed a writer) into a temporary file beside
    /// `path`, syncs it and puts it in place: a failure (a full disk) leaves no file behind. With
    /// `replacing` it is renamed over any file there; without, it is linked (link(2) never
    /// replaces), so an existing file, even one made meanwhile, is left as it was and refused
    /// (``exists(_:)``).
    public static func create(_ path: String, replacing: Bool = true, _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        try refuseExisting(path, replacing: replacing)
        let temporary = path + ".partial-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(errno, "create", path) }
        var closed = false
        do {
            try produce { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw failure(errno, "write", path)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw failure(errno, "write", path) }
            closed = true
            guard close(fd) == 0 else { throw failure(errno, "write", path) }
            if replacing {
                guard rename(temporary, path) == 0 else { throw failure(errno, "create", path) }
            } else {
                // link(2) never replaces: a file made meanwhile is refused, not overwritten.
                guard link(temporary, path) == 0 else { throw errno == EEXIST ? exists(path) : failure(errno, "create", path) }
                unlink(temporary)
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// "64 MiB", "64 KiB", "100 bytes".
    public static func bytesText(_ n: Int) -> String {
        if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }

    /// True when `path` (a file or directory) can be written by this process; false on read-only
    /// media or without permission.
    public static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }
}
