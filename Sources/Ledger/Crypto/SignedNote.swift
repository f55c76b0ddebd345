import Foundation

/// A C2SP signed note: text, a blank line, then signature lines
/// `— <key name> <base64(4-byte key id ‖ signature)>`.
public struct SignedNote: Sendable, Equatable {
    /// The signed text, ending with "\n".
    public let text: String
    /// The signature lines, as read or written.
    public let signatures: [Signature]

    public struct Signature: Sendable, Equatable {
        public let name: String
        public let keyID: [UInt8]
        public let signature: [UInt8]
        public var line: String { "— \(name) \((keyID + signature).base64)\n" }
    }

    /// Signs `text` (which must end with "\n" and hold no control characters but "\n").
    public static func sign(text: String, with keys: [SigningKey]) throws(LedgerError) -> SignedNote {
        try validate(text: text)
        let message = Array(text.utf8)
        let signatures = keys.map { key in
            Signature(name: key.name, keyID: key.verifierKey.keyID, signature: key.sign(message))
        }
        return SignedNote(text: text, signatures: signatures)
    }

    /// The whole note: text, blank line, signature lines.
    public var serialized: String { text + "\n" + signatures.map(\.line).joined() }

    /// Parses a signed note. Does not verify signatures: see ``verified(by:)``.
    public init(parsing note: String) throws(LedgerError) {
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw LedgerError(.badNote, "not a signed note: no blank line before the signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        let sigBlock = note[split.upperBound...]
        guard sigBlock.hasSuffix("\n") else { throw LedgerError(.badNote, "signed note does not end with a newline") }
        var signatures: [Signature] = []
        for line in sigBlock.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            guard line.hasPrefix("— ") else { throw LedgerError(.badNote, "malformed signature line: \(line.prefix(60))") }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, let blob = [UInt8](base64: fields[1]), blob.count >= 5 else {
                throw LedgerError(.badNote, "malformed signature line: \(line.prefix(60))")
            }
            signatures.append(Signature(name: String(fields[0]), keyID: Array(blob.prefix(4)), signature: Array(blob.dropFirst(4))))
        }
        guard !signatures.isEmpty else { throw LedgerError(.badNote, "signed note has no signature lines") }
        try SignedNote.validate(text: text)
        self.text = text
        self.signatures = signatures
    }

    init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The keys among `keys` that signed this note. Signatures by unknown keys are ignored; a
    /// signature by a known key that does not verify is an error.
    public func verified(by keys: [VerifierKey]) throws(LedgerError) -> [VerifierKey] {
        let message = Array(text.utf8)
        var good: [VerifierKey] = []
        for sig in signatures {
            guard let key = keys.first(where: { $0.name == sig.name && $0.keyID == sig.keyID }) else { continue }
            guard key.isValidSignature(sig.signature, for: message) else {
                throw LedgerError(.badSignature, "the signature by \(key.reference) on this note does not verify")
            }
            good.append(key)
        }
        guard !good.isEmpty else {
            let names = signatures.map { "\($0.name)+\($0.keyID.hex)" }.joined(separator: ", ")
            throw LedgerError(.badSignature, "no trusted key signed this note (signed by \(names))")
        }
        return good
    }

    static func validate(text: String) throws(LedgerError) {
        guard text.hasSuffix("\n") else { throw LedgerError(.badNote, "note text must end with a newline") }
        guard !text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F }) else {
            throw LedgerError(.badNote, "note text holds a control character")
        }
    }
}
