/// Which of the Ledger's own checks a finding is about. The rule ids and the words an auditor
/// reads are the Agreement layer's (`INTEGRITY`, `SIGNATURE`, `AUTHORITY`); this layer only
/// knows what it checked.
public enum LedgerCheck: Sendable, Hashable {
    /// An entry's bytes, hash chain, Merkle tree, indexes or checkpoints do not match.
    case integrity
    /// A signature is invalid, or its key was not registered to the actor, or revoked, at `occurred`.
    case signature
    /// A key event by an actor other than the key authority.
    case keyAuthority
}

/// One thing the Ledger's verifier found.
public struct Finding: Hashable, Sendable {
    public let check: LedgerCheck
    public let seq: UInt64?
    public let event: String?
    public let caseID: String?
    public let actor: String?
    public let message: String

    public init(_ check: LedgerCheck, seq: UInt64?, event: String?, caseID: String?, actor: String?, message: String) {
        self.check = check
        self.seq = seq
        self.event = event
        self.caseID = caseID
        self.actor = actor
        self.message = message
    }
}

/// What the Ledger's verifier found in one snapshot of `events` entries.
public struct LedgerReport: Sendable {
    public let ledger: String
    public let events: UInt64
    public var findings: [Finding]

    public init(ledger: String, events: UInt64, findings: [Finding]) {
        self.ledger = ledger
        self.events = events
        self.findings = findings
    }
}
