import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Personal data beside the log, never in it: one encrypted file per case in `<ledger>/vault/`.
///
/// Each entry is sealed (ChaCha20-Poly1305) with its own random 256-bit data key, bound to its
/// case id; the data key is sealed with the node's master key, which lives in a key file outside
/// the ledger directory (mode 0600). File layout, `<case>.vault`:
///
///     "amparo-vault 1\n" ‖ sealed data key (12 + 32 + 16 bytes) ‖ sealed entry (12 + n + 16 bytes)
///
/// Erasure overwrites the file in place with random bytes, syncs it, and unlinks it: the
/// ciphertext and the sealed key are gone from every file of the ledger directory, and neither the
/// plaintext nor the data key was ever written in the clear. The vault is kept out of LMDB on
/// purpose: LMDB would leave stale copies in free pages until reused; a file overwritten in place
/// leaves none in the directory (what a journaling filesystem or an SSD keeps underneath, and
/// backups, are docs/privacy.md's limits).
public struct Vault {
    public let directory: String
    public let masterKeyPath: String

    /// The largest entry accepted (its JSON): 64 KiB.
    public static let maximumEntry = 64 << 10
    static let magic = Array("amparo-vault 1\n".utf8)
    static let masterMagic = "amparo-vault-master-key 1"

    /// The vault of the ledger at `ledgerPath`, with the master key at `masterKeyPath` (which must
    /// not be inside the ledger directory).
    public init(ledgerPath: String, masterKeyPath: String) throws(LedgerError) {
        let ledger = URL(fileURLWithPath: ledgerPath).standardizedFileURL.path
        let key = URL(fileURLWithPath: masterKeyPath).standardizedFileURL.path
        guard !key.hasPrefix(ledger + "/") else {
            throw LedgerError(
                .usage,
                "the vault's master key \(masterKeyPath) is inside the ledger directory; keep it outside (a copy of the ledger must not carry the key to its personal data)"
            )
        }
        directory = ledgerPath + "/vault"
        self.masterKeyPath = masterKeyPath
    }

    /// The default master key: `$AMPARO_MASTER_KEY`, else `<ledger>.master-key` beside the ledger
    /// directory.
    public static func defaultMasterKeyPath(ledgerPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["AMPARO_MASTER_KEY"], !path.isEmpty { return path }
        let trimmed = ledgerPath.hasSuffix("/") ? String(ledgerPath.dropLast()) : ledgerPath
        return trimmed + ".master-key"
    }

    func path(_ caseID: String) -> String { directory + "/" + caseID + ".vault" }

    /// True when the vault holds an entry for `caseID`.
    public func holds(_ caseID: String) -> Bool { access(path(caseID), F_OK) == 0 }

    /// True when the master key file exists.
    public var hasMasterKey: Bool { access(masterKeyPath, F_OK) == 0 }

    // MARK: Master key

    /// Reads the master key; with `create`, makes one (mode 0600) when there is none.
    /// - Returns: the key and whether it was created now.
    func masterKey(create: Bool) throws(LedgerError) -> (SymmetricKey, Bool) {
        if !hasMasterKey {
            guard create else {
                throw LedgerError(
                    .notFound,
                    "no vault master key at \(masterKeyPath): give it with --master-key FILE or $AMPARO_MASTER_KEY (it was made by the first `amparo person set`)"
                )
            }
            let key = SymmetricKey(size: .bits256)
            let text = "\(Vault.masterMagic)\n\(key.withUnsafeBytes { Array($0) }.base64)\n"
            try KeyFile.create(path: masterKeyPath, text: text)
            return (key, true)
        }
        let text = String(decoding: try FileIO.read(masterKeyPath, limit: 4096), as: UTF8.self)
        let lines = text.split(separator: "\n")
        guard lines.count == 2, lines[0] == Vault.masterMagic, let bytes = [UInt8](base64: String(lines[1])), bytes.count == 32 else {
            throw LedgerError(.badKey, "\(masterKeyPath) is not a vault master key (\"\(Vault.masterMagic)\" and 32 bytes in base64)")
        }
        return (SymmetricKey(data: bytes), false)
    }

    // MARK: Entries

    /// Stores `entry` (JSON bytes) for `caseID`, replacing any earlier entry (which is overwritten
    /// first). Returns true when the master key was created by this call.
    @discardableResult
    public func store(_ entry: [UInt8], caseID: String) throws(LedgerError) -> Bool {
        guard entry.count <= Vault.maximumEntry else {
            throw LedgerError(.badDraft, "the personal data of \(caseID) is \(entry.count) bytes; the vault's bound is \(FileIO.bytesText(Vault.maximumEntry))")
        }
        let (master, created) = try masterKey(create: true)
        let dataKey = SymmetricKey(size: .bits256)
        let bound = Array(caseID.utf8)
        let sealedKey: [UInt8]
        let sealedEntry: [UInt8]
        do {
            sealedKey = Array(try ChaChaPoly.seal(dataKey.withUnsafeBytes { Array($0) }, using: master, authenticating: bound).combined)
            sealedEntry = Array(try ChaChaPoly.seal(entry, using: dataKey, authenticating: bound).combined)
        } catch {
            throw LedgerError(.io, "cannot seal the personal data of \(caseID): \(error)")
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw FileIO.failure(errno, "create", directory) }
        // The new entry is written in full first (a full disk leaves the old one as it was); only
        // then is the old one overwritten and the new one moved into its place.
        let fresh = path(caseID) + ".new"
        do {
            try FileIO.create(fresh) { write in try write(Vault.magic + sealedKey + sealedEntry) }
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.io, "cannot write \(fresh): \(error)")
        }
        chmod(fresh, 0o600)
        if holds(caseID) { try shred(path(caseID)) }
        guard rename(fresh, path(caseID)) == 0 else { throw FileIO.failure(errno, "create", path(caseID)) }
        return created
    }

    /// The entry of `caseID` (its JSON bytes), or nil when the vault holds none.
    public func entry(_ caseID: String) throws(LedgerError) -> [UInt8]? {
        guard holds(caseID) else { return nil }
        let bytes = try FileIO.read(path(caseID), limit: Vault.maximumEntry + 200)
        let (master, _) = try masterKey(create: false)
        let bound = Array(caseID.utf8)
        guard bytes.starts(with: Vault.magic), bytes.count >= Vault.magic.count + 60 + 28 else {
            throw LedgerError(.corrupt, "\(path(caseID)) is not a vault entry")
        }
        let body = bytes.dropFirst(Vault.magic.count)
        do {
            let keyBytes = try ChaChaPoly.open(try ChaChaPoly.SealedBox(combined: body.prefix(60)), using: master, authenticating: bound)
            return Array(
                try ChaChaPoly.open(try ChaChaPoly.SealedBox(combined: body.dropFirst(60)), using: SymmetricKey(data: keyBytes), authenticating: bound))
        } catch {
            throw LedgerError(
                .badKey, "the vault entry of \(caseID) does not open with the master key \(masterKeyPath): another node's key, or the entry was altered")
        }
    }

    /// Destroys the entry of `caseID`: overwritten with random bytes, synced, unlinked.
    /// - Returns: false when there was none.
    @discardableResult
    public func erase(_ caseID: String) throws(LedgerError) -> Bool {
        // A replacement interrupted before its rename leaves a sealed copy beside the entry.
        let fresh = path(caseID) + ".new"
        if access(fresh, F_OK) == 0 { try shred(fresh) }
        guard holds(caseID) else { return false }
        try shred(path(caseID))
        return true
    }

    /// Overwrites a file in place with random bytes, syncs it and removes it (and syncs the directory).
    func shred(_ file: String) throws(LedgerError) {
        let fd = open(file, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIO.failure(errno, "erase", file) }
        var size = stat()
        guard fstat(fd, &size) == 0 else {
            close(fd)
            throw FileIO.failure(errno, "erase", file)
        }
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<Int(size.st_size)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let written = noise.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == noise.count, synced else { throw FileIO.failure(errno == 0 ? EIO : errno, "erase", file) }
        guard unlink(file) == 0 else { throw FileIO.failure(errno, "erase", file) }
        let dir = open(directory, O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }
}
