/// The write path: turns an author's drafts into signed events and appends them as one batch,
/// refusing anything the key registry does not allow.
///
/// The actor is whoever the key is registered to. Each draft is checked against the registry as
/// it stands at the draft's `occurred`, including key events earlier in the same batch.
public struct Recorder {
    public let log: EventLog

    public init(log: EventLog) { self.log = log }

    /// One draft and the line it came from (for error messages).
    public struct Line: Sendable {
        public let number: Int
        public let draft: Draft
        public init(number: Int, draft: Draft) {
            self.number = number
            self.draft = draft
        }
    }

    /// Signs `lines` with `key` (any name; the registry decides the actor) and appends them.
    /// Nothing is written when any line is refused.
    ///
    /// `check` sees the signed batch (with each event's line) before anything is written; it throws
    /// to refuse the batch (the Agreement's rules live above this layer).
    public func record(
        _ lines: [Line], key: SigningKey, keyFile: String, recorded: Timestamp = .now(),
        check: (([(line: Int, event: SignedEvent)]) throws -> Void)? = nil
    ) throws -> [(line: Int, event: SignedEvent, outcome: EventLog.AppendOutcome)] {
        var registry = try log.keyRegistry(verifySignatures: false)
        guard let binding = registry.binding(forPublicKey: key.verifierKey.publicKey) else {
            throw LedgerError(
                .unregisteredKey,
                "the key in \(keyFile) is not registered in this ledger; the Secretariat registers it with `amparo keys register --actor CODE --public-key VKEY --key SECRETARIAT.pem` (or import its bundle)")
        }
        let signer = try key.renamed(binding.key.name)
        var signed: [(Int, SignedEvent)] = []
        for line in lines {
            let envelope = line.draft.envelope(actor: binding.actor)
            if envelope.type == KeyRegistry.genesisType {
                throw LedgerError(.unauthorized, "line \(line.number): ledger.genesis is written once, by `amparo init`")
            }
            let event = envelope.signed(by: signer)
            if let problem = registry.check(event, verifySignature: false) {
                let code: LedgerError.Code = binding.revokedAt.map { $0 <= envelope.occurred } == true ? .revokedKey : .unregisteredKey
                throw LedgerError(code, "line \(line.number): \(problem.message); nothing was written")
            }
            if KeyRegistry.isKeyEvent(envelope.type) {
                if envelope.actor != KeyRegistry.authority {
                    throw LedgerError(.unauthorized, "line \(line.number): only \(KeyRegistry.authority) may record \(envelope.type), not \(envelope.actor)")
                }
                do {
                    _ = try KeyRegistry.subject(of: envelope)
                } catch {
                    throw LedgerError(.badDraft, "line \(line.number): \(error.message)")
                }
                if let problem = registry.apply(event, seq: nil, verifySignature: false) {
                    throw LedgerError(.unauthorized, "line \(line.number): \(problem.message)")
                }
            }
            signed.append((line.number, event))
        }
        // Two drafts of one batch under one id: name both lines.
        var lineOf: [EventID: (Int, SignedEvent)] = [:]
        for (line, event) in signed {
            if let (first, earlier) = lineOf[event.id], earlier.bytes != event.bytes {
                throw LedgerError(.equivocation, "line \(line): equivocation refused: event \(event.id) differs from line \(first), which has the same id; nothing was written")
            }
            lineOf[event.id] = lineOf[event.id] ?? (line, event)
        }
        let outcomes: [EventLog.AppendOutcome]
        do {
            try log.checkEquivocation(signed.map(\.1))
            try check?(signed.map { (line: $0.0, event: $0.1) })
            outcomes = try log.append(signed.map(\.1), recorded: recorded)
        } catch var error as LedgerError where error.code == .equivocation {
            if let id = error.eventID, let line = signed.first(where: { $0.1.id == id })?.0 {
                error = LedgerError(.equivocation, "line \(line): " + error.message)
            }
            throw error
        }
        return zip(signed, outcomes).map { ($0.0, $0.1, $1) }
    }
}
