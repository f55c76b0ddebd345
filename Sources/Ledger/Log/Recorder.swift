import LMDB

/// Signing for the write path: turns an author's drafts into signed events, refusing anything the
/// key registry does not allow. The actor is whoever the key is registered to. Each draft is
/// checked against the registry as it stands at the draft's `occurred`, including key events
/// earlier in the same batch.
///
/// The Ledger layer knows no Agreement: judging the acts is the caller's business (the write
/// service above this layer signs with ``sign(_:key:keyFile:)`` and appends with a judgement of
/// its own in ``EventLog/append(_:recorded:admit:)``).
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

    /// The registry binding of `key`, or an error telling how to get one.
    public func binding(of key: SigningKey, keyFile: String) throws -> KeyRegistry.Binding {
        try Recorder.binding(of: key, keyFile: keyFile, in: try log.keyRegistry(verifySignatures: false))
    }

    static func binding(of key: SigningKey, keyFile: String, in registry: KeyRegistry) throws -> KeyRegistry.Binding {
        guard let binding = registry.binding(forPublicKey: key.verifierKey.publicKey) else {
            throw LedgerError(.unregisteredKey, "the key in \(keyFile) is not registered in this ledger", advice: .registerKey)
        }
        return binding
    }

    /// Signs `lines` with `key` (any name; the registry decides the actor). Throws, naming the
    /// line, when the registry does not let the key sign a draft.
    public func sign(_ lines: [Line], key: SigningKey, keyFile: String) throws -> [(line: Int, event: SignedEvent)] {
        var registry = try log.keyRegistry(verifySignatures: false)
        let binding = try Recorder.binding(of: key, keyFile: keyFile, in: registry)
        let signer = try key.renamed(binding.key.name)
        var signed: [(line: Int, event: SignedEvent)] = []
        for line in lines {
            let envelope = line.draft.envelope(actor: binding.actor)
            if envelope.type == KeyRegistry.genesisType {
                throw LedgerError(.unauthorized, "line \(line.number): \(KeyRegistry.genesisType) is written once, when the ledger is created")
            }
            let event = envelope.signed(by: signer)
            if let problem = registry.check(event, verifySignature: false) {
                let code: LedgerError.Code = binding.revokedAt.map { $0 <= envelope.occurred } == true ? .revokedKey : .unregisteredKey
                let early = binding.validFrom > envelope.occurred
                throw LedgerError(
                    code, "line \(line.number): \(problem.message); nothing was written",
                    advice: early ? .registerEarlier(actor: binding.actor, publicKey: binding.key.description) : nil)
            }
            if KeyRegistry.isKeyEvent(envelope.type) {
                if envelope.actor != registry.authority {
                    throw LedgerError(.unauthorized, "line \(line.number): only \(registry.authority) may record \(envelope.type), not \(envelope.actor)")
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
        return signed
    }

    /// Signs `lines` and appends them as one batch; nothing is written when any line is refused.
    public func record(
        _ lines: [Line], key: SigningKey, keyFile: String, recorded: Timestamp = .now()
    ) throws -> [(line: Int, event: SignedEvent, outcome: EventLog.AppendOutcome)] {
        try append(try sign(lines, key: key, keyFile: keyFile), recorded: recorded)
    }

    /// Appends signed drafts as one batch (``EventLog/append(_:recorded:admit:)``); an
    /// equivocation error names the draft's line.
    public func append(
        _ signed: [(line: Int, event: SignedEvent)], words: [WordsPart] = [], recorded: Timestamp = .now(),
        admit: (([SignedEvent]) throws -> Void)? = nil
    ) throws -> [(line: Int, event: SignedEvent, outcome: EventLog.AppendOutcome)] {
        let outcomes: [EventLog.AppendOutcome]
        do {
            outcomes = try log.append(signed.map(\.event), words: words, recorded: recorded, admit: admit)
        } catch var error as LedgerError where error.code == .equivocation {
            if let id = error.eventID {
                let twins = signed.filter { $0.event.id == id }.map(\.line)
                if twins.count > 1 {
                    error = LedgerError(
                        .equivocation,
                        "line \(twins[1]): equivocation refused: event \(id) differs from line \(twins[0]), which has the same id; nothing was written")
                } else if let line = twins.first {
                    error = LedgerError(.equivocation, "line \(line): " + error.message)
                }
            }
            throw error
        }
        return zip(signed, outcomes).map { ($0.line, $0.event, $1) }
    }
}
