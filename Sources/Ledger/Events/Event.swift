/// The envelope of domain.md: what an author states and signs.
///
/// `case` is absent for network events. The node that stores the event adds its own sequence
/// number and time of recording, outside the signed bytes.
public struct Envelope: Hashable, Sendable {
    public var id: EventID
    public var type: String
    public var caseID: String?
    public var actor: String
    public var occurred: Timestamp
    public var payload: [String: JSONValue]

    public init(id: EventID, type: String, caseID: String?, actor: String, occurred: Timestamp, payload: [String: JSONValue]) {
        self.id = id
        self.type = type
        self.caseID = caseID
        self.actor = actor
        self.occurred = occurred
        self.payload = payload
    }

    /// The envelope as a JSON object, without signature.
    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [
            "id": .string(id.description),
            "type": .string(type),
            "actor": .string(actor),
            "occurred": .string(occurred.description),
            "payload": .object(payload),
        ]
        if let caseID { o["case"] = .string(caseID) }
        return o
    }

    /// The bytes the author signs: RFC 8785 canonical JSON of the envelope without its signature.
    public var signingBytes: [UInt8] { CanonicalJSON.encode(.object(json)) }

    /// Signs the envelope. The key's name is the actor.
    public func signed(by key: SigningKey) -> SignedEvent {
        let signature = EventSignature(key: key.verifierKey.reference, value: key.sign(signingBytes))
        var object = json
        object["signature"] = signature.json
        return SignedEvent(envelope: self, signature: signature, bytes: CanonicalJSON.encode(.object(object)))
    }

    // MARK: Field rules shared by drafts and stored events

    static func validateType(_ type: String) -> Bool {
        // dotted lower-case words: `case.request_filed`, `key.registered` (at most 64 characters,
        // all ASCII); one pass over the bytes, as every read of an event checks it.
        var dots = 0
        var part = 0
        var count = 0
        for b in type.utf8 {
            count += 1
            if b == UInt8(ascii: ".") {
                guard part > 0 else { return false }
                dots += 1
                part = 0
            } else if (0x61...0x7A).contains(b) || b == UInt8(ascii: "_") || (0x30...0x39).contains(b) {
                part += 1
            } else {
                return false
            }
        }
        return dots >= 1 && part > 0 && count <= 64
    }

    static func validateActor(_ actor: String) -> Bool {
        !actor.isEmpty && actor.count <= 32
            && actor.utf8.allSatisfy {
                (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-")
            }
    }

    static func validateCase(_ caseID: String) -> Bool {
        !caseID.isEmpty && caseID.utf8.count <= 64 && caseID.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// The signature of an event: the signing key's `name+keyid` and the Ed25519 signature.
public struct EventSignature: Hashable, Sendable {
    /// `name+keyid` of the verifier key (see ``VerifierKey/reference``).
    public let key: String
    public let value: [UInt8]

    var json: JSONValue { .object(["key": .string(key), "value": .string(value.base64)]) }
}

/// A signed event: its envelope, signature and canonical bytes (the Merkle leaf's entry).
public struct SignedEvent: Hashable, Sendable {
    public let envelope: Envelope
    public let signature: EventSignature
    /// RFC 8785 canonical JSON of the envelope with its signature.
    public let bytes: [UInt8]

    public var id: EventID { envelope.id }
    public var leafHash: Hash32 { Merkle.leafHash(bytes) }

    /// Parses canonical signed-event bytes. Refuses unknown fields and bytes that are not canonical.
    /// `checkCanonical: false` skips re-encoding the bytes to compare them (for projections reading
    /// a log whose bytes `verify` checks).
    public init(bytes: [UInt8], checkCanonical: Bool = true) throws(LedgerError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw LedgerError(.corrupt, "not JSON: \(error)")
        }
        guard case .object(var object) = value else { throw LedgerError(.corrupt, "an event is a JSON object") }
        guard case .object(let sig)? = object.removeValue(forKey: "signature"),
            case .string(let keyRef)? = sig["key"], case .string(let sigText)? = sig["value"], sig.count == 2,
            let sigBytes = [UInt8](base64: sigText), sigBytes.count == 64
        else { throw LedgerError(.corrupt, "the event has no well-formed signature {key, value}") }
        let envelope = try Envelope(object: object, strictTime: checkCanonical)
        guard !checkCanonical || CanonicalJSON.encode(value) == bytes else {
            throw LedgerError(.corrupt, "event \(envelope.id) is not in RFC 8785 canonical form")
        }
        self.envelope = envelope
        self.signature = EventSignature(key: keyRef, value: sigBytes)
        self.bytes = bytes
    }

    init(envelope: Envelope, signature: EventSignature, bytes: [UInt8]) {
        self.envelope = envelope
        self.signature = signature
        self.bytes = bytes
    }

    /// The case id of canonical signed-event bytes, read without parsing the event: in RFC 8785
    /// order the members begin `{"actor":"…","case":"…"` for a case event. Nil for a network event
    /// (and for bytes not in that form: callers that need certainty parse the event).
    public static func caseID(inCanonical bytes: [UInt8]) -> String? {
        let prefix = Array(#"{"actor":""#.utf8)
        guard bytes.starts(with: prefix) else { return nil }
        var i = prefix.count
        while i < bytes.count, bytes[i] != 0x22 { i += 1 }  // actor codes hold no escapes
        let marker = Array(#"","case":""#.utf8)
        guard i + marker.count < bytes.count, bytes[i..<(i + marker.count)].elementsEqual(marker) else { return nil }
        let start = i + marker.count
        var end = start
        while end < bytes.count, bytes[end] != 0x22 { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The whole event as JSON.
    public var json: JSONValue { (try? JSONParser.parse(bytes)) ?? .null }
}

extension Envelope {
    /// Reads an envelope from its JSON members (without `signature`).
    init(object: [String: JSONValue], strictTime: Bool) throws(LedgerError) {
        let allowed: Set<String> = ["id", "type", "case", "actor", "occurred", "payload"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LedgerError(.corrupt, "unknown event field \"\(unknown)\"")
        }
        // Canonical ids are lower-case: parsing checked the shape, so no upper-case hex digit is left to check.
        guard case .string(let idText)? = object["id"], let id = EventID(parsing: idText),
            !idText.utf8.contains(where: { (0x41...0x46).contains($0) })
        else {
            throw LedgerError(.corrupt, "event id is not a lower-case UUID")
        }
        guard !id.isNil else { throw LedgerError(.corrupt, "event id is the nil UUID, which names no event") }
        guard case .string(let type)? = object["type"], Envelope.validateType(type) else {
            throw LedgerError(.corrupt, "event \(id): type is missing or malformed")
        }
        guard case .string(let actor)? = object["actor"], Envelope.validateActor(actor) else {
            throw LedgerError(.corrupt, "event \(id): actor is missing or malformed")
        }
        guard case .string(let occurredText)? = object["occurred"], let occurred = Timestamp(parsing: occurredText),
            !strictTime || occurred.description == occurredText
        else { throw LedgerError(.corrupt, "event \(id): occurred is not a canonical RFC 3339 UTC time") }
        var caseID: String?
        if let c = object["case"] {
            guard case .string(let s) = c, Envelope.validateCase(s) else {
                throw LedgerError(.corrupt, "event \(id): case is malformed")
            }
            caseID = s
        }
        guard case .object(let payload)? = object["payload"] else {
            throw LedgerError(.corrupt, "event \(id): payload is not an object")
        }
        self.init(id: id, type: type, caseID: caseID, actor: actor, occurred: occurred, payload: payload)
    }
}
