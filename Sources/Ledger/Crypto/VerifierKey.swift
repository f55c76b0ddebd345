import Crypto
import Foundation

/// A public Ed25519 key with its name, in the C2SP signed-note verifier-key form
/// `<name>+<8 hex digits key id>+<base64(0x01 ‖ public key)>`.
public struct VerifierKey: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let publicKey: [UInt8]

    /// The signature algorithm byte for Ed25519 in C2SP signed notes.
    static let ed25519Algorithm: UInt8 = 0x01

    public init(name: String, publicKey: [UInt8]) {
        self.name = name
        self.publicKey = publicKey
    }

    /// The 4-byte key id: the first bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    public var keyID: [UInt8] {
        Array(Digest.sha256(Array(name.utf8), [0x0A, VerifierKey.ed25519Algorithm], publicKey).prefix(4))
    }

    /// The key id as 8 hex digits.
    public var keyIDHex: String { keyID.hex }

    /// `name+keyid`: how events name the key that signed them.
    public var reference: String { name + "+" + keyIDHex }

    /// The verifier-key text.
    public var description: String {
        reference + "+" + ([VerifierKey.ed25519Algorithm] + publicKey).base64
    }

    /// Parses a verifier key, checking that its key id matches its name and key.
    public init(parsing text: String) throws(LedgerError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw LedgerError(.badKey, "not a verifier key (expected NAME+KEYID+BASE64): \(trimmed.prefix(80))")
        }
        let name = String(parts[0])
        try VerifierKey.validate(name: name)
        guard let blob = [UInt8](base64: parts[2]), blob.count == 33, blob[0] == VerifierKey.ed25519Algorithm else {
            throw LedgerError(.badKey, "verifier key \(name): the key is not base64 of 0x01 and 32 bytes of Ed25519")
        }
        let key = VerifierKey(name: name, publicKey: Array(blob.dropFirst()))
        guard key.keyIDHex == parts[1].lowercased(), parts[1].count == 8 else {
            throw LedgerError(.badKey, "verifier key \(name): key id \(parts[1]) does not match the key (expected \(key.keyIDHex))")
        }
        self = key
    }

    /// True when `signature` is a valid Ed25519 signature of `message` by this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            return false
        }
        return key.isValidSignature(signature, for: message)
    }

    /// C2SP key names: non-empty, no spaces, no `+`, no control characters.
    /// C2SP signed-note: a key name is non-empty and holds no Unicode space (the White_Space
    /// property: U+0020, U+00A0, U+0085, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
    /// U+3000 and the ASCII controls U+0009–U+000D) and no '+'. We also refuse every other control
    /// character, so a name can be printed safely.
    static func validate(name: String) throws(LedgerError) {
        guard !name.isEmpty,
            !name.unicodeScalars.contains(where: { $0 == "+" || $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else {
            let shown = name.unicodeScalars.map { s -> String in
                s.properties.isWhitespace || s.properties.generalCategory == .control || s.value > 0x7E
                    ? String(format: "\\u{%04X}", s.value) : String(s)
            }.joined()
            throw LedgerError(
                .badKey,
                "\"\(shown)\" is not a valid key name: C2SP signed notes need a non-empty name without spaces (any Unicode space), control characters or '+'")
        }
    }
}
