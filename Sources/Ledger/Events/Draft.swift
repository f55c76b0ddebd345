/// What an author writes before signing: `{"id"?, "type", "case"?, "occurred", "payload"}`, one
/// JSON object per line (JSON Lines). The actor comes from the signing key.
public struct Draft: Hashable, Sendable {
    public var id: EventID?
    public var type: String
    public var caseID: String?
    public var occurred: Timestamp
    public var payload: [String: JSONValue]

    public init(id: EventID? = nil, type: String, caseID: String? = nil, occurred: Timestamp, payload: [String: JSONValue]) {
        self.id = id
        self.type = type
        self.caseID = caseID
        self.occurred = occurred
        self.payload = payload
    }

    static let fields = ["id", "type", "case", "occurred", "payload"]

    /// Parses one draft line. Errors name the field and say what is expected.
    public init(line: [UInt8]) throws(LedgerError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw LedgerError(.badDraft, "malformed JSON: \(error)")
        }
        guard case .object(let o) = value else {
            throw LedgerError(.badDraft, "a draft is a JSON object {\"id\"?, \"type\", \"case\"?, \"occurred\", \"payload\"}, not \(value.kindName)")
        }
        if let unknown = o.keys.sorted().first(where: { !Draft.fields.contains($0) }) {
            throw LedgerError(.badDraft, "unknown field \"\(unknown)\" (a draft has id, type, case, occurred, payload; the actor comes from --key)")
        }
        if let idValue = o["id"] {
            guard case .string(let text) = idValue, let id = EventID(parsing: text) else {
                throw LedgerError(.badDraft, "\"id\" must be a UUID such as 0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51")
            }
            guard !id.isNil else {
                throw LedgerError(.badDraft, "\"id\" is the nil UUID, which names no event: leave \"id\" out and one is made")
            }
            self.id = id
        } else {
            self.id = nil
        }
        guard case .string(let type)? = o["type"] else { throw LedgerError(.badDraft, "\"type\" is missing (e.g. \"case.request_filed\")") }
        guard Envelope.validateType(type) else {
            throw LedgerError(.badDraft, "\"type\" \"\(type)\" is not a dotted lower-case event type such as case.request_filed")
        }
        self.type = type
        if let c = o["case"] {
            guard case .string(let s) = c, Envelope.validateCase(s) else {
                throw LedgerError(.badDraft, "\"case\" must be a case id such as HN-2015-0007")
            }
            self.caseID = s
        } else {
            self.caseID = nil
        }
        guard let occurredValue = o["occurred"] else {
            throw LedgerError(.badDraft, "\"occurred\" is missing: when the act happened, RFC 3339 (2015-11-09T15:00:00Z)")
        }
        guard case .string(let occurredText) = occurredValue else {
            throw LedgerError(
                .badDraft, "\"occurred\" must be a string holding an RFC 3339 time such as \"2015-11-09T15:00:00Z\", not \(occurredValue.kindName)")
        }
        guard let occurred = Timestamp(parsing: occurredText) else {
            throw LedgerError(.badDraft, "\"occurred\" \"\(occurredText)\" is not an RFC 3339 time such as 2015-11-09T15:00:00Z")
        }
        self.occurred = occurred
        guard case .object(let payload)? = o["payload"] else {
            throw LedgerError(.badDraft, "\"payload\" must be a JSON object")
        }
        self.payload = payload
    }

    /// Splits JSON Lines input into (line number, bytes), skipping blank lines.
    public static func lines(_ input: [UInt8]) -> [(number: Int, bytes: [UInt8])] {
        var result: [(Int, [UInt8])] = []
        var number = 0
        for raw in input.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            var line = Array(raw)
            if line.last == 0x0D { line.removeLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            result.append((number, line))
        }
        return result
    }

    /// The envelope this draft becomes when `actor` signs it.
    public func envelope(actor: String) -> Envelope {
        Envelope(id: id ?? EventID.v7(), type: type, caseID: caseID, actor: actor, occurred: occurred, payload: payload)
    }
}
