import Foundation
import LMDB

#if canImport(Glibc)
    import Glibc
#endif

/// A backup of a ledger directory, made while officers append, and its restoration.
///
/// A backup is a directory:
///
///     data.mdb        LMDB's compacting copy, one committed state (the backup's point)
///     words.dat       the words file up to the end that state recorded
///     vault/*.vault   the vault's entries, copied after the point (sealed; the master key is not here)
///     MANIFEST.json   format, ledger name, tree size and root at the point, the node's signed
///                     checkpoint of that size, and every file's size and SHA-256
///
/// No private key is ever in it: the node key, the witness key and the vault's master key are
/// copied only when asked by name, into a directory of their own (``copyKeys(_:to:masterKey:)``).
public enum Backup {
    /// The manifest's format line.
    public static let format = "amparo-backup 1"
    public static let manifestName = "MANIFEST.json"
    /// The largest manifest read (a vault of 80,000 cases lists about 10 MiB of files).
    public static let maximumManifest = 64 << 20

    /// What a manifest says.
    public struct Manifest: Sendable {
        public let ledger: String
        public let ledgerFormat: String
        public let created: String
        public let treeSize: UInt64
        public let root: Hash32
        public let checkpoint: String
        public let files: [File]

        public struct File: Sendable {
            public let path: String
            public let bytes: UInt64
            public let sha256: String
        }

        var json: JSONValue {
            [
                "format": .string(Backup.format), "ledger": .string(ledger), "ledger_format": .string(ledgerFormat),
                "created": .string(created), "tree_size": .number(Double(treeSize)), "root": .string(root.base64),
                "checkpoint": .string(checkpoint),
                "files": .array(files.map { ["path": .string($0.path), "bytes": .number(Double($0.bytes)), "sha256": .string($0.sha256)] }),
            ]
        }

        init(ledger: String, ledgerFormat: String, created: String, treeSize: UInt64, root: Hash32, checkpoint: String, files: [File]) {
            self.ledger = ledger
            self.ledgerFormat = ledgerFormat
            self.created = created
            self.treeSize = treeSize
            self.root = root
            self.checkpoint = checkpoint
            self.files = files
        }

        init(parsing bytes: [UInt8], in directory: String) throws(LedgerError) {
            func bad(_ what: String) -> LedgerError {
                LedgerError(.corrupt, "\(directory)/\(Backup.manifestName) \(what); the backup is refused (make a new one, or use another)")
            }
            guard let value = try? JSONParser.parse(bytes) else { throw bad("is not JSON") }
            guard value["format"]?.stringValue == Backup.format else { throw bad("is not an \(Backup.format) manifest") }
            guard let ledger = value["ledger"]?.stringValue, let ledgerFormat = value["ledger_format"]?.stringValue,
                let created = value["created"]?.stringValue, let size = value["tree_size"]?.integerValue, size >= 0,
                let rootText = value["root"]?.stringValue, let root = [UInt8](base64: rootText), root.count == 32,
                let checkpoint = value["checkpoint"]?.stringValue, let list = value["files"]?.arrayValue
            else { throw bad("lacks a field or holds one of the wrong kind") }
            var files: [File] = []
            for item in list {
                guard let path = item["path"]?.stringValue, let n = item["bytes"]?.integerValue, n >= 0,
                    let digest = item["sha256"]?.stringValue, digest.utf8.count == 64
                else { throw bad("lists a file without path, bytes or sha256") }
                guard Backup.isBackupPath(path) else { throw bad("lists \(path), which no backup holds") }
                files.append(File(path: path, bytes: UInt64(n), sha256: digest))
            }
            guard files.contains(where: { $0.path == "data.mdb" }) else { throw bad("lists no data.mdb") }
            guard Set(files.map(\.path)).count == files.count else { throw bad("lists a file twice") }
            self.init(ledger: ledger, ledgerFormat: ledgerFormat, created: created, treeSize: UInt64(size), root: root, checkpoint: checkpoint, files: files)
        }
    }

    /// The only paths a backup holds: data.mdb, words.dat, vault/NAME.vault.
    static func isBackupPath(_ path: String) -> Bool {
        if path == "data.mdb" || path == "words.dat" { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "vault", parts[1].hasSuffix(".vault"), parts[1].count > 6 else { return false }
        return !parts[1].hasPrefix(".") && parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }

    // MARK: Making one

    /// Makes a backup of `log` in `out` (which must not exist), without stopping writers.
    public static func make(of log: EventLog, to out: String, now: Timestamp = .now()) throws -> Manifest {
        guard access(out, F_OK) != 0 else {
            throw LedgerError(.fileExists, "\(out) already exists; choose another --out (a backup never replaces one)")
        }
        let partial = out + ".partial-\(getpid())"
        try FileIO.makeDirectories(partial, purpose: "the backup")
        do {
            let manifest = try fill(partial, from: log, now: now)
            try restrict(partial)
            try syncDirectory(partial)
            guard rename(partial, out) == 0 else { throw FileIO.failure(errno, "create", out) }
            try syncDirectory(URL(fileURLWithPath: out).deletingLastPathComponent().path)
            return manifest
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private static func fill(_ dir: String, from log: EventLog, now: Timestamp) throws -> Manifest {
        // 1. The point: LMDB's compacting copy, one read transaction.
        do {
            try log.env.copy(to: dir, compact: true)
        } catch let error as LMDBError {
            throw EventLog.translate(error, path: dir)
        }
        // 2. What the copy holds, read from the copy itself.
        let point = try pointOf(copy: dir, name: log.name)
        // 3. The words file up to the end the point recorded; 4. the vault as it is now.
        if point.wordsEnd > 0 { try copyFile(log.wordsFile, to: dir + "/words.dat", length: point.wordsEnd) }
        let vault = log.path + "/vault"
        var vaultFiles: [String] = []
        if let names = try? FileManager.default.contentsOfDirectory(atPath: vault) {
            vaultFiles = names.filter { isBackupPath("vault/" + $0) }.sorted()
            if !vaultFiles.isEmpty { try FileIO.makeDirectories(dir + "/vault", purpose: "the backup's vault") }
            for name in vaultFiles {
                // An entry erased meanwhile is gone: erased stays erased in the backup too.
                do {
                    try copyFile(vault + "/" + name, to: dir + "/vault/" + name, length: nil)
                } catch let error as LedgerError where error.code == .notFound {
                    continue
                }
            }
        }
        var files: [Manifest.File] = []
        for path in ["data.mdb", "words.dat"] + vaultFiles.map({ "vault/" + $0 }) where access(dir + "/" + path, F_OK) == 0 {
            let (bytes, digest) = try hashFile(dir + "/" + path)
            files.append(Manifest.File(path: path, bytes: bytes, sha256: digest))
        }
        let manifest = Manifest(
            ledger: log.name, ledgerFormat: EventLog.formatVersion, created: now.description, treeSize: point.size,
            root: point.root, checkpoint: point.checkpoint, files: files)
        try FileIO.create(dir + "/" + manifestName, replacing: false) { write in
            try write(CanonicalJSON.encode(manifest.json) + [0x0A])
        }
        return manifest
    }

    /// Size, root, signed checkpoint and words end of the copy in `dir` (opened read-only; its
    /// lock file removed afterwards).
    private static func pointOf(copy dir: String, name: String) throws -> (size: UInt64, root: Hash32, checkpoint: String, wordsEnd: Int) {
        defer { unlink(dir + "/lock.mdb") }
        let copy = try EventLog.open(path: dir, readOnly: true)
        guard copy.name == name else { throw LedgerError(.corrupt, "the copy of \(name) names itself \(copy.name)") }
        let (size, root) = try copy.rootHash()
        guard let note = try copy.storedCheckpoint(size: size) else {
            throw LedgerError(.corrupt, "\(name) holds no signed checkpoint of size \(size); run `amparo verify`")
        }
        let end = try copy.readTxn { try $0.get(copy.db.meta, key: EventLog.wordsEndKey) }
        return (size, root, note.serialized, Int(end?.bigEndianUInt64 ?? 0))
    }

    // MARK: Checking and restoring

    /// Reads the manifest of the backup in `dir` and checks every file against it; a file
    /// missing, changed, or not listed refuses the backup.
    public static func check(_ dir: String) throws -> Manifest {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw LedgerError(.notFound, "no backup directory at \(dir)")
        }
        let manifestPath = dir + "/" + manifestName
        guard access(manifestPath, F_OK) == 0 else {
            throw LedgerError(.corrupt, "\(dir) holds no \(manifestName): it is not a backup made by `amparo backup` (or it was cut short); refused")
        }
        var vaultInfo = stat()
        if lstat(dir + "/vault", &vaultInfo) == 0, vaultInfo.st_mode & S_IFMT != S_IFDIR {
            throw LedgerError(.corrupt, "\(dir)/vault is not a directory (a link?); the backup is refused")
        }
        let manifest = try Manifest(parsing: try FileIO.read(manifestPath, limit: maximumManifest), in: dir)
        let listed = Set(manifest.files.map(\.path))
        for extra in try filesUnder(dir) where extra != manifestName && !listed.contains(extra) {
            throw LedgerError(.corrupt, "\(dir)/\(extra) is not in the backup's manifest; the backup is refused (something was added to it)")
        }
        for file in manifest.files {
            let path = dir + "/" + file.path
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw LedgerError(.corrupt, "\(path) is not a regular file (a link, a directory or a device); the backup is refused")
            }
            guard access(path, F_OK) == 0 else {
                throw LedgerError(.corrupt, "\(path) is missing from the backup; it is refused (use another backup)")
            }
            let (bytes, digest) = try hashFile(path)
            guard bytes == file.bytes, digest == file.sha256 else {
                throw LedgerError(
                    .corrupt,
                    "\(path) does not match the backup's manifest (\(bytes) bytes, SHA-256 \(digest.prefix(12))…; the manifest says \(file.bytes) bytes, \(file.sha256.prefix(12))…): the backup is damaged and refused (use another backup)"
                )
            }
        }
        return manifest
    }

    /// What a restore did.
    public struct Restored {
        public let manifest: Manifest
        public let log: EventLog
        public let events: UInt64
    }

    /// Restores the backup in `dir` into `ledger`, a directory that must not exist: checks the
    /// manifest, copies into a directory beside `ledger`, opens it, checks that its tree is the
    /// manifest's (size, root, the node's signature on the checkpoint), verifies every entry,
    /// hash, signature and checkpoint, holds the node's signing (``EventLog/resume(checkpoints:nothingLater:)``),
    /// and only then puts it at `ledger`. A refusal leaves nothing at `ledger`.
    public static func restore(_ dir: String, to ledger: String, now: Timestamp = .now()) throws -> Restored {
        let manifest = try check(dir)
        guard manifest.ledgerFormat == EventLog.formatVersion else {
            throw LedgerError(
                .notALedger, "\(dir) holds a ledger of format \(manifest.ledgerFormat); this amparo restores format \(EventLog.formatVersion) only")
        }
        if access(ledger, F_OK) == 0 {
            throw LedgerError(.alreadyALedger, "\(ledger) already exists; restore into a new --ledger directory (nothing is ever restored over a ledger)")
        }
        let partial = ledger + ".restoring-\(getpid())"
        try FileIO.makeDirectories(partial, purpose: "the restored ledger")
        do {
            for file in manifest.files {
                if file.path.hasPrefix("vault/") { try FileIO.makeDirectories(partial + "/vault", purpose: "the restored vault") }
                try copyFile(dir + "/" + file.path, to: partial + "/" + file.path, length: nil)
                let (bytes, digest) = try hashFile(partial + "/" + file.path)
                guard bytes == file.bytes, digest == file.sha256 else {
                    throw LedgerError(.io, "\(partial)/\(file.path) differs from the backup after copying it: check the disk; nothing was restored")
                }
            }
            let events = try checkRestored(partial, manifest, now: now)
            for file in manifest.files { chmod(partial + "/" + file.path, 0o600) }
            try syncDirectory(partial)
            unlink(partial + "/lock.mdb")
            guard rename(partial, ledger) == 0 else { throw FileIO.failure(errno, "create", ledger) }
            let log = try EventLog.open(path: ledger)
            return Restored(manifest: manifest, log: log, events: events)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private static func checkRestored(_ partial: String, _ manifest: Manifest, now: Timestamp) throws -> UInt64 {
        let log = try EventLog.open(path: partial, readOnly: false)
        guard log.name == manifest.ledger else {
            throw LedgerError(.corrupt, "the backup's data.mdb is ledger \(log.name), its manifest says \(manifest.ledger); refused")
        }
        let (size, root) = try log.rootHash()
        guard size == manifest.treeSize, root == manifest.root else {
            throw LedgerError(
                .corrupt,
                "the backup's log has \(size) entries and root \(root.base64), its manifest says \(manifest.treeSize) and \(manifest.root.base64); refused"
            )
        }
        guard let checkpoint = try? Checkpoint.verify(note: manifest.checkpoint, key: log.nodeKey), checkpoint.size == size, checkpoint.root == root
        else {
            throw LedgerError(.corrupt, "the backup's checkpoint is not this node's signed checkpoint of its tree (size \(size)); refused")
        }
        let report = try LedgerVerifier.verify(log)
        if let first = report.findings.first {
            throw LedgerError(
                .corrupt,
                "the restored ledger fails verification (\(report.findings.count) findings; the first: \(first.message)); nothing was restored")
        }
        try log.holdSigning(afterRestoreOf: manifest, now: now)
        return report.events
    }

    // MARK: Keys, copied only when asked by name

    /// The private keys a backup may be asked to carry, each by its name.
    public enum Key: String, CaseIterable, Sendable {
        /// The node's checkpoint-signing key.
        case node
        /// The witness key (`amparo witness key`).
        case witness
        /// The vault's master key.
        case master
        /// The file name in a keys directory.
        public var fileName: String { rawValue + ".key" }
    }

    /// Copies the keys named into `directory` (made with mode 0700; each file 0600), apart from
    /// the backup so that the two are stored apart.
    /// Where each key named is; every one must exist (checked before the backup is made, so that a
    /// key named by mistake makes no backup).
    public static func keySources(_ keys: [Key], of log: EventLog, masterKey: String) throws -> [(Key, String)] {
        try keys.map { key in
            let source: String =
                switch key {
                case .node: log.nodeKeyPath
                case .witness: log.path + "/witness.key"
                case .master: masterKey
                }
            guard access(source, R_OK) == 0 else {
                throw LedgerError(
                    .notFound, "no \(key.rawValue) key readable at \(source); nothing was backed up (drop --key \(key.rawValue), or give its place)")
            }
            return (key, source)
        }
    }

    public static func copyKeys(_ keys: [Key], of log: EventLog, masterKey: String, to directory: String) throws -> [String] {
        let sources = try keySources(keys, of: log, masterKey: masterKey)
        try FileIO.refuseExisting(directory, replacing: false)
        guard mkdir(directory, 0o700) == 0 else { throw FileIO.failure(errno, "create", directory) }
        var written: [String] = []
        for (key, source) in sources {
            let text = try FileIO.read(source, limit: 4096)
            try KeyFile.create(path: directory + "/" + key.fileName, text: String(decoding: text, as: UTF8.self))
            written.append(directory + "/" + key.fileName)
        }
        return written
    }

    // MARK: Files

    static func filesUnder(_ dir: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + item, isDirectory: &isDir), !isDir.boolValue { out.append(item) }
        }
        return out.sorted()
    }

    /// Size and SHA-256 (hex) of a file, read in chunks.
    static func hashFile(_ path: String) throws -> (UInt64, String) {
        let reader = try FileIO.Reader(path: path)
        var hasher = SHA256Context()
        var total: UInt64 = 0
        while case let chunk = try reader.read(upTo: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
            total += UInt64(chunk.count)
        }
        return (total, hasher.finish().hex)
    }

    /// Copies `source` (its first `length` bytes, or all of it) to a new file `target`, synced.
    static func copyFile(_ source: String, to target: String, length: Int?) throws {
        let reader = try FileIO.Reader(path: source)
        var left = length ?? Int.max
        try FileIO.create(target, replacing: false) { write in
            while left > 0, case let chunk = try reader.read(upTo: min(left, 1 << 20)), !chunk.isEmpty {
                try write(chunk)
                left -= chunk.count
            }
        }
        if let length, left > 0 {
            throw LedgerError(.corrupt, "\(source) is shorter than the \(length) bytes the ledger records; run `amparo verify`")
        }
    }

    /// Mode 0700 for the directory and its vault, 0600 for every file: a backup holds the
    /// officers' words and the sealed vault, for the ledger's owner only.
    static func restrict(_ dir: String) throws {
        chmod(dir, 0o700)
        for file in try filesUnder(dir) { chmod(dir + "/" + file, 0o600) }
        if access(dir + "/vault", F_OK) == 0 { chmod(dir + "/vault", 0o700) }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIO.failure(errno, "sync", path) }
        defer { close(fd) }
        _ = fsync(fd)
    }
}
