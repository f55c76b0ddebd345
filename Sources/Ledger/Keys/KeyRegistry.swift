import Foundation

/// Which key may sign for which actor, and from when to when.
///
/// Built from the ledger's key events (`ledger.genesis`, `key.registered`, `key.revoked`), taken
/// in the order their acts happened (`occurred`, ties by sequence), each one checked against the
/// registry as it stood at its own `occurred`. The Secretariat's key the node was initialised with
/// is the trust anchor: registered, from the beginning of time, to the actor its name names (the
/// key authority: the Agreement's Secretariat; this layer knows it only by that name).
///
/// A key is good for an event when it is registered to the event's actor, its validity began at or
/// before the event's `occurred`, and it was not revoked at or before that instant.
public struct KeyRegistry: Sendable {
    public static let genesisType = "ledger.genesis"
    public static let registeredType = "key.registered"
    public static let revokedType = "key.revoked"
    /// True for the three key event types.
    @inline(__always)
    public static func isKeyEvent(_ type: String) -> Bool {
        type == registeredType || type == revokedType || type == genesisType
    }

    /// One key bound to one actor.
    public struct Binding: Sendable, Hashable {
        public let actor: String
        public let key: VerifierKey
        /// From when the key signs: the earliest `valid_from` of its registrations.
        public internal(set) var validFrom: Timestamp
        public internal(set) var revokedAt: Timestamp?
        /// The sequence number of the registering event (nil for the trust anchor).
        public let registeredAt: UInt64?
    }

    /// Why a key cannot sign an event.
    public struct Problem: Error, Sendable, Hashable {
        /// What is wrong: the signature, or a key event by someone other than the key authority.
        public let check: LedgerCheck
        public let message: String
    }

    public let trustAnchor: VerifierKey
    /// The actor that registers and revokes keys: the trust anchor's name.
    public var authority: String { trustAnchor.name }
    /// Bindings by `name+keyid`.
    public private(set) var bindings: [String: Binding] = [:]

    public init(trustAnchor: VerifierKey) {
        self.trustAnchor = trustAnchor
        bindings[trustAnchor.reference] = Binding(
            actor: trustAnchor.name, key: trustAnchor, validFrom: .distantPast, revokedAt: nil, registeredAt: nil)
    }

    /// The binding of a public key, whatever its name.
    public func binding(forPublicKey publicKey: [UInt8]) -> Binding? {
        bindings.values.filter { $0.key.publicKey == publicKey }.min { ($0.registeredAt ?? 0) < ($1.registeredAt ?? 0) }
    }

    /// Checks who signed `event` and that the signature verifies. Nil when all is well.
    ///
    /// `verifySignature: false` is for the write path, which has just made the signature itself:
    /// it still checks the key's binding and validity, and saves the Ed25519 verification.
    public func check(_ event: SignedEvent, verifySignature: Bool = true) -> Problem? {
        let e = event.envelope
        guard let binding = bindings[event.signature.key] else {
            return Problem(check: .signature, message: "\(e.actor) signed \(e.type) with key \(event.signature.key), which is not registered")
        }
        guard binding.actor == e.actor else {
            return Problem(
                check: .signature, message: "\(e.type) claims actor \(e.actor) but is signed with key \(event.signature.key), registered to \(binding.actor)")
        }
        guard binding.validFrom <= e.occurred else {
            return Problem(
                check: .signature, message: "\(e.actor) signed \(e.type) of \(e.occurred) with key \(event.signature.key), valid only from \(binding.validFrom)"
            )
        }
        if let revoked = binding.revokedAt, revoked <= e.occurred {
            return Problem(check: .signature, message: "\(e.actor) signed \(e.type) of \(e.occurred) with key \(event.signature.key), revoked at \(revoked)")
        }
        guard !verifySignature || binding.key.isValidSignature(event.signature.value, for: e.signingBytes) else {
            return Problem(
                check: .signature, message: "the signature of \(e.actor) on \(e.type) does not verify: the event was altered or signed with another key")
        }
        return nil
    }

    /// Checks many events on every core (Ed25519 verification dominates); the problems by position.
    /// `known` gives problems already established for some positions (they are not re-checked).
    public func check(_ events: [SignedEvent], known: [Int: Problem] = [:]) -> [Problem?] {
        concurrentMap(events.count) { i in known[i] ?? check(events[i]) }
    }

    /// Applies a key event after checking it. Returns the problem instead when the event may not
    /// change the registry (it is then not applied). Non-key events are ignored.
    public mutating func apply(_ event: SignedEvent, seq: UInt64?, verifySignature: Bool = true) -> Problem? {
        let e = event.envelope
        guard KeyRegistry.isKeyEvent(e.type) else { return nil }
        if let problem = check(event, verifySignature: verifySignature) { return problem }
        guard e.actor == authority else {
            return Problem(check: .keyAuthority, message: "\(e.actor) recorded \(e.type), which only \(authority) may record")
        }
        do {
            switch e.type {
            case KeyRegistry.genesisType:
                guard event.signature.key == trustAnchor.reference else {
                    return Problem(
                        check: .signature,
                        message:
                            "ledger.genesis is signed with \(event.signature.key), not with the Secretariat key this node trusts (\(trustAnchor.reference))")
                }
                guard case .array(let roots)? = e.payload["root_keys"] else {
                    return Problem(check: .signature, message: "ledger.genesis has no root_keys list")
                }
                for root in roots {
                    guard case .string(let text) = root else { throw LedgerError(.badKey, "a root key is not a string") }
                    let key = try VerifierKey(parsing: text)
                    if bindings[key.reference] == nil {
                        bindings[key.reference] = Binding(actor: authority, key: key, validFrom: .distantPast, revokedAt: nil, registeredAt: seq)
                    }
                }
            case KeyRegistry.registeredType:
                let (actor, key) = try KeyRegistry.subject(of: e)
                let validFrom = try KeyRegistry.time(e.payload["valid_from"], field: "valid_from") ?? e.occurred
                if let existing = binding(forPublicKey: key.publicKey) {
                    if existing.actor == actor && existing.key == key && existing.registeredAt == seq { return nil }
                    guard existing.actor == actor, existing.key == key else {
                        return Problem(
                            check: .signature,
                            message:
                                "key \(key.reference) is already registered to \(existing.actor); a key serves one actor, so \(actor) needs a key of its own")
                    }
                    // The same key for the same actor again (a new event, nothing edited): it signs from
                    // the earlier of the two dates, so historic acts can be recorded with it.
                    bindings[existing.key.reference]?.validFrom = min(existing.validFrom, validFrom)
                    return nil
                }
                bindings[key.reference] = Binding(actor: actor, key: key, validFrom: validFrom, revokedAt: nil, registeredAt: seq)
            case KeyRegistry.revokedType:
                let (actor, key) = try KeyRegistry.subject(of: e)
                let at = try KeyRegistry.time(e.payload["revoked_at"], field: "revoked_at") ?? e.occurred
                guard var binding = bindings[key.reference], binding.actor == actor else {
                    return Problem(check: .signature, message: "key.revoked names \(key.reference), which is not registered to \(actor)")
                }
                binding.revokedAt = min(binding.revokedAt ?? at, at)
                bindings[key.reference] = binding
            default:
                return nil
            }
        } catch let error as LedgerError {
            return Problem(check: .signature, message: "\(e.type) is malformed: \(error.message)")
        } catch {
            return Problem(check: .signature, message: "\(e.type) is malformed")
        }
        return nil
    }

    /// Builds the registry from key events in any order: sorted by `occurred`, ties by sequence.
    /// Returns the registry and, for each event that could not be applied, its problem.
    ///
    /// `verifySignatures: false` trusts the stored key events' signatures (the write path: they were
    /// checked on the way in, and `verify` re-checks them); bindings and authority are still checked.
    public static func build(trustAnchor: VerifierKey, keyEvents: [(seq: UInt64, event: SignedEvent)], verifySignatures: Bool = true) -> (
        KeyRegistry, [(seq: UInt64, event: SignedEvent, problem: Problem)]
    ) {
        var registry = KeyRegistry(trustAnchor: trustAnchor)
        var problems: [(UInt64, SignedEvent, Problem)] = []
        let ordered = keyEvents.sorted { ($0.event.envelope.occurred, $0.seq) < ($1.event.envelope.occurred, $1.seq) }
        for (seq, event) in ordered {
            if let problem = registry.apply(event, seq: seq, verifySignature: verifySignatures) { problems.append((seq, event, problem)) }
        }
        return (registry, problems.sorted { $0.0 < $1.0 })
    }

    /// The actor and key a registration or revocation is about; the key's name must be the actor.
    static func subject(of e: Envelope) throws(LedgerError) -> (String, VerifierKey) {
        guard case .string(let actor)? = e.payload["actor"], Envelope.validateActor(actor) else {
            throw LedgerError(.badDraft, "payload.actor must be an actor code such as MX or RCM-TS")
        }
        guard case .string(let text)? = e.payload["public_key"] else {
            throw LedgerError(.badDraft, "payload.public_key must be a verifier key (NAME+KEYID+BASE64)")
        }
        let key = try VerifierKey(parsing: text)
        guard key.name == actor else {
            throw LedgerError(
                .badDraft, "the verifier key is named \(key.name) but payload.actor is \(actor)", advice: .newKey(actor: actor))
        }
        return (actor, key)
    }

    static func time(_ value: JSONValue?, field: String) throws(LedgerError) -> Timestamp? {
        guard let value else { return nil }
        guard case .string(let text) = value, let t = Timestamp(parsing: text) else {
            throw LedgerError(.badDraft, "payload.\(field) must be an RFC 3339 time")
        }
        return t
    }
}
