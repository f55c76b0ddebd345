import Crypto
import Foundation

/// An Ed25519 private key with the name it signs under (an actor code, or a ledger's origin).
///
/// Stored as PKCS#8 v1 PEM (RFC 8410), readable by `openssl pkey`: the 16-byte DER prefix
/// `302e020100300506032b657004220420` followed by the 32-byte seed.
public struct SigningKey: @unchecked Sendable {  // immutable; Crypto does not mark it Sendable
    public let name: String
    let key: Curve25519.Signing.PrivateKey

    static let pkcs8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    /// A new random key.
    public init(generatingFor name: String) throws(LedgerError) {
        try VerifierKey.validate(name: name)
        self.name = name
        self.key = Curve25519.Signing.PrivateKey()
    }

    /// A key from its 32-byte seed (tests and deterministic fixtures only).
    public init(name: String, seed: [UInt8]) throws(LedgerError) {
        try VerifierKey.validate(name: name)
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw LedgerError(.badKey, "an Ed25519 seed is 32 bytes")
        }
        self.name = name
        self.key = key
    }

    /// Reads a PKCS#8 PEM private key; `name` is the name it will sign under.
    public init(pem: String, name: String) throws(LedgerError) {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let blocks = lines.filter { $0.hasPrefix("-----BEGIN ") }.count
        guard blocks <= 1 else {
            throw LedgerError(
                .badKey, "the file holds \(blocks) PEM blocks; a key file holds exactly one private key (which one to sign with would be a guess)")
        }
        guard let begin = lines.firstIndex(of: "-----BEGIN PRIVATE KEY-----"),
            let end = lines.firstIndex(of: "-----END PRIVATE KEY-----"), begin < end
        else {
            throw LedgerError(.badKey, "not a PKCS#8 PEM private key (no BEGIN/END PRIVATE KEY lines)")
        }
        guard let der = [UInt8](base64: lines[(begin + 1)..<end].joined()) else {
            throw LedgerError(.badKey, "the PEM body is not valid base64")
        }
        guard der.count == 48, Array(der.prefix(16)) == SigningKey.pkcs8Prefix else {
            throw LedgerError(.badKey, "not an Ed25519 PKCS#8 key (expected the 48-byte RFC 8410 form)")
        }
        try self.init(name: name, seed: Array(der.suffix(32)))
    }

    /// PKCS#8 v1 PEM text.
    public var pem: String {
        let body = (SigningKey.pkcs8Prefix + Array(key.rawRepresentation)).base64
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n"
    }

    /// The public half, under the same name.
    public var verifierKey: VerifierKey {
        VerifierKey(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// The same key under another name (no re-derivation: a copy with a new name).
    public func renamed(_ newName: String) throws(LedgerError) -> SigningKey {
        try VerifierKey.validate(name: newName)
        return SigningKey(name: newName, key: key)
    }

    private init(name: String, key: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.key = key
    }

    /// An Ed25519 signature over `message` (deterministic, RFC 8032).
    public func sign(_ message: [UInt8]) -> [UInt8] {
        // Signing with a valid key cannot fail; BoringSSL's Ed25519 is deterministic.
        guard let signature = try? key.signature(for: message) else { preconditionFailure("Ed25519 signing failed inside BoringSSL") }
        return Array(signature)
    }

    /// Hard bound on a key file: 64 KiB (a PEM private key is about 120 bytes).
    public static let maximumFile = 64 << 10

    /// Reads a key file. Errors say which file and what to do.
    public static func load(path: String, name: String) throws(LedgerError) -> SigningKey {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path, limit: maximumFile)
        } catch {
            throw LedgerError(.badKey, "cannot read key file: \(error.message)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LedgerError(.badKey, "\(path) is not a PEM key file (not UTF-8 text)")
        }
        do {
            return try SigningKey(pem: text, name: name)
        } catch {
            throw LedgerError(.badKey, "\(path): \(error.message)")
        }
    }
}

/// Key files: created 0600, never overwritten unless asked (`keys new --force`).
public enum KeyFile {
    /// Writes `text` to a new file with mode 0600; refuses to replace an existing file unless
    /// `replacing` (then the new key is written beside it and renamed over it: the old key is lost).
    public static func create(path: String, text: String, replacing: Bool = false) throws(LedgerError) {
        if replacing {
            let temporary = path + ".partial-\(getpid())"
            unlink(temporary)
            try create(path: temporary, text: text)
            guard rename(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                throw FileIO.failure(code, "create", path)
            }
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST {
                throw LedgerError(.fileExists, "\(path) already exists; choose another path or remove it first")
            }
            throw FileIO.failure(code, "create", path)
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            let code = errno
            unlink(path)
            throw FileIO.failure(code == 0 ? ENOSPC : code, "write", path)
        }
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }
}
