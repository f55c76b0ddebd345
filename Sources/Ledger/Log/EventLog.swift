import Foundation
import LMDB
import Synchronization

/// The append-only event log of one ledger directory, on LMDB.
///
/// Named databases:
/// - `meta`: format version, ledger name (the checkpoint origin), trusted Secretariat key, node key.
/// - `events`: sequence (8 bytes big-endian, from 1) → 8-byte recording time in ms ‖ canonical
///   signed event bytes. Appended with `MDB_APPEND`.
/// - `ids`: event id (16 bytes) → sequence: idempotent appends, equivocation detection.
/// - `cases`: case id ‖ 0x00 ‖ sequence → empty: a case's events without a scan (network events,
///   which have no case, under the empty case id).
/// - `keyevents`: sequence → empty, for `ledger.genesis`, `key.registered`, `key.revoked`.
/// - `tree`: storage index (see ``Merkle/storageIndex(level:index:)``) → 32-byte hash of every
///   perfect subtree, appended as leaves arrive: proofs and roots read O(log n) hashes.
/// - `checkpoints`: tree size → signed checkpoint note, one per append batch.
/// - `words`: commitment (32 bytes) → offset (8) ‖ length (8) of its salt and words in the words
///   file beside the log (``Words``); the words themselves never enter LMDB.
/// - `erased`: what was erased, so that words arriving later are not kept: `c` ‖ commitment →
///   empty, `e` ‖ event id ‖ field path → the case of the redaction, `k` ‖ case id → the latest
///   `occurred` (ms) a case erasure covers.
///
/// One write transaction per batch; readers never block the writer; several processes may open
/// the same ledger. The recording time is the node's own note and is not covered by the Merkle
/// tree (the leaf is exactly the signed event).
public final class EventLog: Sendable {
    /// Format 2 (issue 23): free text enters signed events as commitments, its words beside the
    /// log. A ledger of format 1 holds free text inside signed events, which no one but each signer
    /// could re-sign: it is not migrated, and this version refuses to open it.
    public static let formatVersion = "2"

    public let path: String
    /// The ledger's name: the checkpoint origin and the node key's name.
    public let name: String
    /// The Secretariat key this node trusts.
    public let trustAnchor: VerifierKey
    /// The key that signs this node's checkpoints.
    public let nodeKey: VerifierKey
    /// Where the node key is read from: `--node-key`, else the path recorded at `init` (relative
    /// to the ledger directory when the key lives inside it, so a copied ledger keeps working).
    let nodeKeyPath: String
    /// True when the ledger was opened read-only (read-only media, or a directory this process
    /// may not write): every write is refused with ``LedgerError/Code/readOnly``.
    public let isReadOnly: Bool
    /// True when this process may not write the ledger's lock file and reads a private copy of
    /// it, made when the ledger was opened (LMDB's `Environment.openPrivateSnapshot`): acts
    /// appended after that are not seen.
    public var readsPrivateCopy: Bool { env.privateSnapshot != nil }
    let env: Environment
    let db: Databases
    /// The tables layers above keep beside the log, opened once per process (``Table``).
    let tables: Mutex<[Table: Database]>
    private let cachedNodeSigningKey = Mutex<SigningKey?>(nil)
    /// The write path's key registry and the key-event index state it was built from.
    let registryCache = Mutex<(stamp: [UInt64], registry: KeyRegistry)?>(nil)

    struct Databases: Sendable {
        let meta, events, ids, cases, keyEvents, tree, checkpoints, words, erased: Database
        init(env: Environment, create: Bool) throws {
            func open(_ name: String) throws -> Database { try env.database(named: name, create: create) }
            meta = try open("meta")
            events = try open("events")
            ids = try open("ids")
            cases = try open("cases")
            keyEvents = try open("keyevents")
            tree = try open("tree")
            checkpoints = try open("checkpoints")
            words = try open("words")
            erased = try open("erased")
        }
    }

    /// How the Secretariat's key is given to `create`.
    public enum SecretariatKey {
        /// The Secretariat's own node: it signs the genesis event.
        case privateKey(SigningKey)
        /// A ministry's node that trusts this Secretariat key; key registrations arrive by bundle.
        case verifierKey(VerifierKey)

        var verifier: VerifierKey {
            switch self {
            case .privateKey(let k): k.verifierKey
            case .verifierKey(let v): v
            }
        }
    }

    // MARK: Opening

    private init(path: String, env: Environment, db: Databases, readOnly: Bool, nodeKeyOverride: String?) throws {
        self.path = path
        self.isReadOnly = readOnly
        self.env = env
        self.db = db
        self.tables = Mutex(try EventLog.openTables(env))
        let meta: [String: String] = try env.read { txn in
            var m: [String: String] = [:]
            for key in ["format", "name", "trust", "node-key", "node-key-path"] {
                if let v = try txn.get(db.meta, key: Array(key.utf8)) { m[key] = String(decoding: v, as: UTF8.self) }
            }
            return m
        }
        guard let format = meta["format"], let name = meta["name"], let trust = meta["trust"],
            let node = meta["node-key"], let nodePath = meta["node-key-path"]
        else { throw LedgerError(.notALedger, "\(path) is an LMDB environment but not an Amparo ledger (no ledger metadata)") }
        guard format == EventLog.formatVersion else {
            throw LedgerError(
                .notALedger,
                "\(path) has ledger format \(format); this amparo reads format \(EventLog.formatVersion) only (signed events cannot be migrated without every signer's key): read it with the amparo that wrote it"
            )
        }
        self.name = name
        self.trustAnchor = try VerifierKey(parsing: trust)
        self.nodeKey = try VerifierKey(parsing: node)
        self.nodeKeyPath = nodeKeyOverride ?? EventLog.resolveNodeKeyPath(nodePath, ledger: path)
    }

    /// The recorded node-key path made usable: relative paths are relative to the ledger
    /// directory; an absolute path that no longer exists (a ledger moved or restored elsewhere,
    /// made by an older amparo) falls back to `node.key` in the ledger directory.
    static func resolveNodeKeyPath(_ recorded: String, ledger: String) -> String {
        guard recorded.hasPrefix("/") else { return ledger + "/" + recorded }
        if !FileManager.default.fileExists(atPath: recorded), FileManager.default.fileExists(atPath: ledger + "/node.key") {
            return ledger + "/node.key"
        }
        return recorded
    }

    /// Opens an existing ledger. Creates nothing.
    ///
    /// - Parameters:
    ///   - readOnly: open for reading only; nil (the default) opens read-only exactly when the
    ///     ledger's files cannot be written (read-only media, or no write permission).
    ///   - nodeKeyPath: where the node key is, overriding the path recorded at `init`.
    public static func open(path: String, mapSize: Int? = nil, readOnly: Bool? = nil, nodeKeyPath: String? = nil) throws -> EventLog {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LedgerError(.notALedger, "no ledger at \(path)", advice: .createLedger(path: path))
        }
        guard isDir.boolValue else { throw LedgerError(.notALedger, "\(path) is a file, not a ledger directory") }
        let dataFile = path + "/data.mdb"
        let readOnly =
            readOnly
            ?? (FileManager.default.fileExists(atPath: dataFile)
                && !(FileIO.isWritable(path) && FileIO.isWritable(dataFile)))
        var options = Environment.Options()
        options.readOnly = readOnly
        if let mapSize { options.initialMapSize = mapSize }
        let env: Environment
        do {
            env = try Environment.open(path: path, options: options)
        } catch let error as LMDBError where error.code == .noSuchFile {
            throw LedgerError(.notALedger, "\(path) is not a ledger (no data.mdb)", advice: .createLedger(path: path))
        } catch let error as LMDBError where error.code == .invalidFile || error.code == .versionMismatch {
            throw LedgerError(.notALedger, "\(path) is not a ledger: its data.mdb is not an LMDB file")
        } catch let error as LMDBError {
            throw EventLog.translate(error, path: path)
        }
        let dbs: Databases
        do {
            dbs = try Databases(env: env, create: false)
        } catch let error as LMDBError where error.code == .notFound {
            throw LedgerError(.notALedger, "\(path) is an LMDB environment but not an Amparo ledger")
        } catch let error as LMDBError {
            throw EventLog.translate(error, path: path)
        }
        return try EventLog(path: path, env: env, db: dbs, readOnly: readOnly, nodeKeyOverride: nodeKeyPath)
    }

    /// Creates a ledger in `path` (which must not hold one).
    ///
    /// With the Secretariat's private key, writes `ledger.genesis` naming it as root key. The node
    /// key signs checkpoints; when `nodeKeyPath` names no existing file, a new key is written there
    /// (mode 0600). Returns the log and whether the node key was created.
    public static func create(
        path: String, name: String, secretariat: SecretariatKey, nodeKeyPath: String? = nil,
        mapSize: Int? = nil, now: Timestamp = .now()
    ) throws -> (log: EventLog, createdNodeKey: Bool) {
        try VerifierKey.validate(name: name)
        if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw LedgerError(.alreadyALedger, "\(path) already holds a ledger; choose another --ledger directory")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            throw LedgerError(.io, "\(path) is a file; --ledger must name a directory")
        }
        let keyPath =
            nodeKeyPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? URL(fileURLWithPath: path).standardizedFileURL.appendingPathComponent("node.key").path
        let madeDirectory = !FileManager.default.fileExists(atPath: path)
        // Read or make the node key before touching the ledger directory's database.
        var created = false
        let nodeSigningKey: SigningKey
        if FileManager.default.fileExists(atPath: keyPath) {
            nodeSigningKey = try SigningKey.load(path: keyPath, name: name)
        } else {
            if nodeKeyPath == nil {
                try FileIO.makeDirectories(path, purpose: "the ledger directory")
            }
            nodeSigningKey = try SigningKey(generatingFor: name)
            do {
                try KeyFile.create(path: keyPath, text: nodeSigningKey.pem)
            } catch {
                if madeDirectory { try? FileManager.default.removeItem(atPath: path) }
                throw error
            }
            created = true
        }
        do {
            return (
                try initialise(
                    path: path, name: name, secretariat: secretariat, nodeSigningKey: nodeSigningKey,
                    keyPath: keyPath, mapSize: mapSize, now: now), created
            )
        } catch {
            // Leave nothing half-made: a later `init` must find the disk as it was.
            for file in ["data.mdb", "lock.mdb"] { try? FileManager.default.removeItem(atPath: path + "/" + file) }
            if created { try? FileManager.default.removeItem(atPath: keyPath) }
            if madeDirectory { try? FileManager.default.removeItem(atPath: path) }
            if let error = error as? LMDBError { throw EventLog.translate(error, path: path) }
            throw error
        }
    }

    private static func initialise(
        path: String, name: String, secretariat: SecretariatKey, nodeSigningKey: SigningKey, keyPath: String,
        mapSize: Int?, now: Timestamp
    ) throws -> EventLog {
        var options = Environment.Options()
        options.create = true
        if let mapSize { options.initialMapSize = mapSize }
        let env = try Environment.open(path: path, options: options)
        let dbs = try Databases(env: env, create: true)
        // Inside the ledger directory the key path is recorded relative to it: the ledger can be
        // copied, moved or restored elsewhere and still find its key.
        let ledgerDir = URL(fileURLWithPath: env.path).standardizedFileURL.resolvingSymlinksInPath().path + "/"
        let resolvedKey = URL(fileURLWithPath: keyPath).standardizedFileURL.resolvingSymlinksInPath().path
        let recordedKeyPath = resolvedKey.hasPrefix(ledgerDir) ? String(resolvedKey.dropFirst(ledgerDir.count)) : keyPath
        let metadata = [
            ("format", formatVersion), ("name", name), ("trust", secretariat.verifier.description),
            ("node-key", nodeSigningKey.verifierKey.description), ("node-key-path", recordedKeyPath),
        ]
        try env.write { txn in
            for (k, v) in metadata { try txn.put(dbs.meta, key: Array(k.utf8), value: Array(v.utf8)) }
        }
        let log = try EventLog(path: env.path, env: env, db: dbs, readOnly: false, nodeKeyOverride: keyPath)
        log.cachedNodeSigningKey.withLock { $0 = nodeSigningKey }
        if case .privateKey(let secretariatKey) = secretariat {
            let key = secretariatKey
            let genesis = Envelope(
                id: .v7(at: now), type: KeyRegistry.genesisType, caseID: nil, actor: key.name, occurred: now,
                payload: ["name": .string(name), "root_keys": .array([.string(key.verifierKey.description)])]
            ).signed(by: key)
            _ = try log.append([genesis], recorded: now)
        } else {
            // An empty ledger still has a signed checkpoint (size 0) for auditors to hold.
            _ = try log.checkpoint()
        }
        return log
    }

    // MARK: The storage boundary

    /// Runs `body` on one read snapshot of the whole ledger (log, indexes, and the tables layers
    /// keep beside it): everything it reads is as of one moment, whatever writers do meanwhile.
    /// Never blocks a writer. Nothing read may outlive the closure (it is copied out).
    public func read<R>(_ body: (borrowing Snapshot) throws -> R) throws -> R {
        try readTxn { txn in try body(Snapshot(txn, log: self)) }
    }

    /// Runs `body` with one snapshot held: every read of this log (and of the projections beside
    /// it) made inside it sees the same committed state. `body` must not write.
    public func snapshot<R>(_ body: () throws -> R) throws -> R {
        try lmdb { try env.snapshot(body) }
    }

    /// Runs `body` in the ledger's single write transaction: it commits when `body` returns and
    /// aborts when it throws. `body` may run again when the map had to grow, so it must have no
    /// effect outside the transaction. Refused on a ledger opened read-only.
    public func write<R>(_ body: (borrowing WriteScope) throws -> R) throws -> R {
        try writeTables { txn, created in try body(WriteScope(txn, log: self, created: created)) }
    }

    /// The write transaction, with the tables its scopes create made known to every later scope
    /// once it commits (a run the map's growth aborted starts with none).
    func writeTables<R>(_ body: (borrowing Transaction, CreatedTables) throws -> R) throws -> R {
        let created = CreatedTables()
        let result = try writeTxn { txn in
            created.reset()
            return try body(txn, created)
        }
        if !created.tables.isEmpty { tables.withLock { $0.merge(created.tables) { _, new in new } } }
        return result
    }

    func readTxn<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        try lmdb { try env.read(body) }
    }

    func writeTxn<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        guard !isReadOnly else {
            throw LedgerError(
                .readOnly,
                "\(path) is open read-only (read-only media, or not writable by this user): this command writes; run it where the ledger can be written")
        }
        return try lmdb { try env.write(body) }
    }

    /// `text` signed by this node's key (named after the ledger): a note only this node can make,
    /// such as the bundle it writes for itself from a peer's served tiles.
    public func signedByNode(_ text: String) throws -> SignedNote {
        try SignedNote.sign(text: text, with: [try nodeSigningKey()])
    }

    /// The node's signing key, read from its file on first use.
    func nodeSigningKey() throws -> SigningKey {
        try refuseWhileHeld()
        if let key = cachedNodeSigningKey.withLock({ $0 }) { return key }
        let key: SigningKey
        do {
            key = try SigningKey.load(path: nodeKeyPath, name: name)
        } catch {
            throw LedgerError(.badKey, "cannot read this ledger's node key: \(error.message); give its place with --node-key FILE")
        }
        guard key.verifierKey == nodeKey else {
            throw LedgerError(.badKey, "\(nodeKeyPath) is not this ledger's node key (expected \(nodeKey.reference))")
        }
        cachedNodeSigningKey.withLock { $0 = key }
        return key
    }

    /// The store's own words for what failed under `error` (`MDB_MAP_FULL: …`, `No space left on
    /// device`), for a sentence of a caller's own.
    public static func cause(of error: LedgerError) -> String {
        (error.underlying as? LMDBError)?.message ?? error.underlying.map { "\($0)" } ?? error.message
    }

    /// The one translation of LMDB's failures into sentences (errno values go through ``FileIO``).
    static func translate(_ error: LMDBError, path: String) -> LedgerError {
        switch error.code {
        case .diskFull:
            return LedgerError(
                .diskFull, "could not write to \(path): the disk is full or failing (\(error.message)); nothing was written: free space and try again",
                underlying: error)
        case .permissionDenied where error.returnCode == EROFS:
            return LedgerError(.readOnly, "\(path) is on read-only media: this command writes; run it where the ledger can be written", underlying: error)
        case .permissionDenied:
            return LedgerError(.io, "permission denied on \(path) (\(error.operation)): check the directory's owner and mode", underlying: error)
        case .readersFull:
            return LedgerError(
                .io, "\(path): every reader slot is in use by live processes (\(error.message)); wait for some readers to finish and try again",
                underlying: error)
        case .mapFull:
            return LedgerError(.diskFull, "\(path): the ledger reached its maximum map size (\(error.message)); nothing was written", underlying: error)
        case .corrupted, .panic, .invalidFile:
            return LedgerError(
                .corrupt, "\(path): LMDB reports \(error.message) in \(error.operation)", advice: .verifyAndRestore,
                underlying: error)
        default:
            return LedgerError(.io, "\(path): \(error.operation): \(error.message)", underlying: error)
        }
    }

    /// Runs an LMDB operation, turning its errors into ledger errors that say what to do.
    func lmdb<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as LMDBError {
            throw EventLog.translate(error, path: path)
        }
    }

    // MARK: Keys

    static func seqKey(_ seq: UInt64) -> [UInt8] { [UInt8](bigEndian: seq) }
    static func caseKey(_ caseID: String, _ seq: UInt64) -> [UInt8] { Array(caseID.utf8) + [0] + seqKey(seq) }
}
