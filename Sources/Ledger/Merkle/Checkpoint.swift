/// A C2SP tlog-checkpoint: origin, tree size and root hash, signed as a C2SP signed note by the
/// key whose name is the origin.
public struct Checkpoint: Sendable, Equatable {
    public let origin: String
    public let size: UInt64
    public let root: Hash32

    public init(origin: String, size: UInt64, root: Hash32) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note text: three lines.
    public var text: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    /// Parses the text of a checkpoint note (extension lines are ignored).
    public init(text: String) throws(LedgerError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines.last == "" else {
            throw LedgerError(.badNote, "not a checkpoint: expected origin, size and root hash lines")
        }
        guard !lines[0].isEmpty else { throw LedgerError(.badNote, "checkpoint origin is empty") }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw LedgerError(.badNote, "checkpoint size \"\(lines[1])\" is not a decimal number")
        }
        guard let root = [UInt8](base64: lines[2]), root.count == 32 else {
            throw LedgerError(.badNote, "checkpoint root hash is not base64 of 32 bytes")
        }
        self.init(origin: String(lines[0]), size: size, root: root)
    }

    /// Signs this checkpoint with the log's key (its name must be the origin).
    public func signed(by key: SigningKey) throws(LedgerError) -> SignedNote {
        guard key.name == origin else {
            throw LedgerError(.badKey, "a checkpoint of \(origin) must be signed by a key named \(origin), not \(key.name)")
        }
        return try SignedNote.sign(text: text, with: [key])
    }

    /// Parses a signed checkpoint and verifies it was signed by `key`.
    public static func verify(note: String, key: VerifierKey) throws(LedgerError) -> Checkpoint {
        let parsed = try SignedNote(parsing: note)
        let checkpoint = try Checkpoint(text: parsed.text)
        guard checkpoint.origin == key.name else {
            throw LedgerError(.badNote, "checkpoint is of log \(checkpoint.origin), not \(key.name)")
        }
        _ = try parsed.verified(by: [key])
        return checkpoint
    }
}
