import Crypto

/// Free text on an immutable log, erasably (issue 23, docs/privacy.md).
///
/// A signed event never holds free text. Each free-text value of a case event enters it as a
/// *commitment*, `hmac-sha256:` and 64 lower-case hex digits: HMAC-SHA256 keyed by a random 256-bit
/// salt of the value's UTF-8 bytes. Without the salt the commitment says nothing of the text, not
/// even of a short or guessable one; the same text in two events has two commitments. The text and
/// its salt (a ``WordsPart``) live beside the log, in the ledger's words file, travel unsigned
/// beside their event in bundles and sync, and are checked against the commitment wherever they
/// arrive. Destroying them erases the words; the signed event, its Merkle leaf and every proof
/// stay as they were.
public enum Words {
    /// How a commitment begins.
    public static let prefix = "hmac-sha256:"
    /// Bytes of salt per value (256 bits; issue 23 asks at least 128).
    public static let saltBytes = 32
    /// The longest text a value may hold, in characters (the catalog's bound for free text).
    public static let maximumCharacters = 2000

    /// The commitment to `text` under `salt`.
    public static func commitment(salt: [UInt8], text: String) -> String {
        prefix + digest(salt: salt, text: text).hex
    }

    static func digest(salt: [UInt8], text: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: salt)))
    }

    /// A fresh salt from the system's generator.
    public static func newSalt() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<saltBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// The 32 bytes of a commitment, or nil when `value` is not one.
    public static func digest(ofCommitment value: String) -> [UInt8]? {
        let u = value.utf8
        guard u.count == prefix.utf8.count + 64, value.hasPrefix(prefix) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var high: UInt8?
        for c in u.dropFirst(prefix.utf8.count) {
            let nibble: UInt8
            switch c {
            case 0x30...0x39: nibble = c - 0x30
            case 0x61...0x66: nibble = c - 0x61 + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    public static func isCommitment(_ value: String) -> Bool { digest(ofCommitment: value) != nil }

    /// Every commitment in a payload, with its path (`summary`, `fields.summary`: members joined by
    /// dots; an array's items by their index), in path order.
    public static func commitments(in payload: [String: JSONValue]) -> [(path: String, commitment: String)] {
        var found: [(String, String)] = []
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case .string(let s) where isCommitment(s): found.append((path, s))
            case .object(let o): for k in o.keys.sorted() { walk(o[k]!, path.isEmpty ? k : path + "." + k) }
            case .array(let a): for (i, item) in a.enumerated() { walk(item, path + "." + String(i)) }
            default: break
            }
        }
        walk(.object(payload), "")
        return found
    }

    /// The value at a dotted path of a payload.
    public static func value(at path: String, in payload: [String: JSONValue]) -> JSONValue? {
        var current = JSONValue.object(payload)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let o):
                guard let next = o[String(part)] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(part), a.indices.contains(i) else { return nil }
                current = a[i]
            default: return nil
            }
        }
        return current
    }

    /// Every commitment string in a JSON value (a projection's record, a report), wherever it is.
    public static func commitments(inJSON value: JSONValue) -> [String] {
        var found: [String] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .string(let s) where isCommitment(s): found.append(s)
            case .object(let o): for item in o.values { walk(item) }
            case .array(let a): for item in a { walk(item) }
            default: break
            }
        }
        walk(value)
        return found
    }

    /// `value` with each commitment replaced by the words held for it, or by `erased` where none
    /// are held (JSON outputs write `null`: the value was there and its words are erased).
    public static func resolve(_ value: JSONValue, _ held: [String: String], erased: JSONValue = .null) -> JSONValue {
        switch value {
        case .string(let s) where isCommitment(s): return held[s].map(JSONValue.string) ?? erased
        case .object(let o): return .object(o.mapValues { resolve($0, held, erased: erased) })
        case .array(let a): return .array(a.map { resolve($0, held, erased: erased) })
        default: return value
        }
    }

    /// The words of a payload's commitments as outputs show them, path → words, or null where the
    /// words are erased (or never arrived); nil when the payload holds no commitment.
    public static func view(of payload: [String: JSONValue], _ held: [String: String]) -> JSONValue? {
        let found = commitments(in: payload)
        guard !found.isEmpty else { return nil }
        return .object(Dictionary(found.map { ($0.path, held[$0.commitment].map(JSONValue.string) ?? .null) }) { a, _ in a })
    }

    // MARK: Erasure, as the storage layer acts on it

    /// The event type that erases named values of one event (`case redact`): payload `event` (its
    /// id) and `fields` (paths of its commitments). The storage layer acts on it wherever it is
    /// appended (command, bundle, sync), as it acts on key events.
    public static let redactionType = "case.redacted"
    /// The event type that erases every value of a case's events up to its `occurred` (`person erase`).
    public static let caseErasureType = "case.personal_data_erased"

    /// The requesting State of a case: the code its id begins with (`MX` of `MX-2015-0001`), the one
    /// signer besides the Secretariat whose erasure of the case's words the storage layer acts on.
    public static func requestingState(ofCase caseID: String) -> String {
        String(caseID.prefix { $0 != "-" })
    }
}

/// One free-text value beside its event: the words and the salt of one commitment. Unsigned: it
/// is trusted only when its commitment is the one its event holds at `field`.
public struct WordsPart: Hashable, Sendable {
    public let event: EventID
    /// The payload path of its commitment: `summary`, or `fields.summary` in a correction.
    public let field: String
    public let salt: [UInt8]
    public let text: String

    public init(event: EventID, field: String, salt: [UInt8], text: String) {
        self.event = event
        self.field = field
        self.salt = salt
        self.text = text
    }

    public var commitment: String { Words.commitment(salt: salt, text: text) }

    /// `{"event", "field", "salt" (base64), "text"}`, as bundles and the served words carry it.
    public var json: JSONValue {
        .object(["event": .string(event.description), "field": .string(field), "salt": .string(salt.base64), "text": .string(text)])
    }

    /// The part as one line of a bundle's words section or of the served words: RFC 8785 JSON.
    public var line: [UInt8] { CanonicalJSON.encode(json) }

    /// Reads a part from its line, refusing anything but RFC 8785 JSON of the four members in
    /// their forms.
    public init(line: [UInt8]) throws(LedgerError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw LedgerError(.corrupt, "a words part is one JSON object: \(error)")
        }
        guard CanonicalJSON.encode(value) == line else { throw LedgerError(.corrupt, "a words part is written in RFC 8785 canonical form") }
        try self.init(json: value)
    }

    /// Reads a part from its JSON, refusing anything but the four members in their forms.
    public init(json: JSONValue) throws(LedgerError) {
        guard case .object(let o) = json, o.count == 4, case .string(let id)? = o["event"], let event = EventID(parsing: id),
            case .string(let field)? = o["field"], !field.isEmpty, field.utf8.count <= 256,
            case .string(let salt64)? = o["salt"], let salt = [UInt8](base64: salt64), salt.count == Words.saltBytes,
            case .string(let text)? = o["text"], !text.isEmpty, text.count <= Words.maximumCharacters
        else {
            throw LedgerError(
                .corrupt,
                "a words part is {\"event\": UUID, \"field\": path, \"salt\": 32 bytes in base64, \"text\": 1 to \(Words.maximumCharacters) characters}")
        }
        self.init(event: event, field: field, salt: salt, text: text)
    }
}
