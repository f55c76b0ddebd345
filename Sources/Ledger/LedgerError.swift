/// An error a person can act on: a stable code, a message that says what went wrong and what to
/// do, and the underlying cause when there is one.
///
/// Equality compares the code only, so tests can match on it.
public struct LedgerError: Error, Hashable, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Wrapped: Hashable, Sendable {
            case badDraft, badKey, badNote, badSignature, badProof, notALedger, alreadyALedger, fileExists
            case unregisteredKey, revokedKey, unauthorized, equivocation, io, diskFull, corrupt, notFound, usage, readOnly, fork, signingHeld
        }
        let wrapped: Wrapped
        /// A draft line is malformed or has unknown fields.
        public static let badDraft = Code(wrapped: .badDraft)
        /// A key file or verifier key is malformed or unreadable.
        public static let badKey = Code(wrapped: .badKey)
        /// A signed note (checkpoint) is malformed.
        public static let badNote = Code(wrapped: .badNote)
        /// A signature does not verify, or no trusted key signed.
        public static let badSignature = Code(wrapped: .badSignature)
        /// A proof is malformed or does not verify.
        public static let badProof = Code(wrapped: .badProof)
        /// The directory is not an Amparo ledger.
        public static let notALedger = Code(wrapped: .notALedger)
        /// `init` on a directory that already holds a ledger.
        public static let alreadyALedger = Code(wrapped: .alreadyALedger)
        /// A file that would be created exists.
        public static let fileExists = Code(wrapped: .fileExists)
        /// The signing key is not registered to any actor (at that time).
        public static let unregisteredKey = Code(wrapped: .unregisteredKey)
        /// The signing key was revoked before the act.
        public static let revokedKey = Code(wrapped: .revokedKey)
        /// The actor may not emit that event type.
        public static let unauthorized = Code(wrapped: .unauthorized)
        /// A different event under an event id the ledger already holds.
        public static let equivocation = Code(wrapped: .equivocation)
        public static let io = Code(wrapped: .io)
        /// The disk (or a file size limit) is full; nothing was written.
        public static let diskFull = Code(wrapped: .diskFull)
        /// Stored data does not parse or does not match its hashes.
        public static let corrupt = Code(wrapped: .corrupt)
        public static let notFound = Code(wrapped: .notFound)
        /// The ledger (or a file) is on read-only media, or was opened read-only: nothing can be written.
        public static let readOnly = Code(wrapped: .readOnly)
        /// A peer presented a history that is not an extension of the checkpoint held of it.
        public static let fork = Code(wrapped: .fork)
        public static let usage = Code(wrapped: .usage)
        /// A ledger restored from a backup signs nothing until its operator has checked that no
        /// later checkpoint of it exists (``EventLog/resume(checkpoints:nothingLater:)``).
        public static let signingHeld = Code(wrapped: .signingHeld)
        public var description: String { "\(wrapped)" }
    }

    /// What the person can do about it, in the terms of the tool they use: this layer names the
    /// remedy, the command-line tool words it (``LedgerError/Advice``).
    public enum Advice: Sendable, Hashable {
        /// Check the whole ledger, then restore it from a bundle or a backup.
        case verifyAndRestore
        /// Create a ledger at this path.
        case createLedger(path: String)
        /// Have the key authority register the key, or import a bundle that does.
        case registerKey
        /// Make a key for this actor.
        case newKey(actor: String)
        /// Have the key authority register this key again, valid from an earlier date.
        case registerEarlier(actor: String, publicKey: String)
    }

    public let code: Code
    public let message: String
    /// The message in parts when it names a payload field: each interface names the field its own
    /// way (``message(naming:)``); ``message`` names it as a draft does.
    public let wording: FieldWording?
    public var advice: Advice?
    public let underlying: (any Error & Sendable)?
    /// The event the error is about, when there is one (to name its draft line).
    public var eventID: EventID?

    public init(_ code: Code, _ message: String, advice: Advice? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.wording = nil
        self.advice = advice
        self.underlying = underlying
    }

    /// An error about a payload field.
    public init(_ code: Code, _ wording: FieldWording, advice: Advice? = nil) {
        self.code = code
        self.message = wording.description
        self.wording = wording
        self.advice = advice
        self.underlying = nil
    }

    /// The payload field the error concerns, if one.
    public var field: String? { wording?.field }

    /// The message with the field named by `name` (an event command: its flag), or ``message``.
    public func message(naming name: (String) -> String) -> String { wording?.text(naming: name) ?? message }

    public var description: String { message }
    public static func == (lhs: LedgerError, rhs: LedgerError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A value to match with `#expect(throws:)`.
    public static func code(_ code: Code) -> LedgerError { LedgerError(code, "") }
}

/// A sentence that names a payload field, kept in parts so that each interface names the field its
/// own way: a draft file says `payload field "summary"`, an event command `--summary`, a form its
/// label. No interface rewrites another's sentence.
public struct FieldWording: Sendable, Hashable, CustomStringConvertible {
    /// The payload field (`location_city`; a corrected field's own name).
    public let field: String
    public let before: String
    public let after: String
    /// How a draft names the field (`payload field "amount" of case.reimbursement_claimed`).
    public let named: String

    public init(field: String, before: String = "", named: String? = nil, after: String = "") {
        self.field = field
        self.before = before
        self.after = after
        self.named = named ?? "payload field \"\(field)\""
    }

    public var description: String { before + named + after }

    /// The sentence with the field named by `name`.
    public func text(naming name: (String) -> String) -> String { before + name(field) + after }

    /// The same sentence after `prefix` and before `suffix` (a draft's place, "nothing was written").
    public func around(_ prefix: String, _ suffix: String) -> FieldWording {
        FieldWording(field: field, before: prefix + before, named: named, after: after + suffix)
    }
}
