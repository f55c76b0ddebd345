import Ledger

extension Catalog {
    /// The draft as it is signed, and the words that go beside it (issue 23): each free-text field
    /// (``FieldKind/words``) becomes its commitment under a fresh salt, and so does each free-text
    /// field a correction sets (of `correctedType`, the type of the event it corrects). The draft
    /// gets its id here, as the words are filed under it.
    ///
    /// `salt` makes each value's salt: random (the default) on every real write; the scenario
    /// derives its salts from its seed so that the demo ledger is the same on every machine.
    package static func seal(
        _ draft: Draft, correctedType: EventType? = nil, salt: (EventID, String) -> [UInt8] = { _, _ in Words.newSalt() }
    ) -> (draft: Draft, words: [WordsPart]) {
        guard let type = EventType(name: draft.type) else { return (draft, []) }
        var sealed = draft
        let id = draft.id ?? EventID.v7()
        sealed.id = id
        var parts: [WordsPart] = []
        func commit(_ value: JSONValue, path: String) -> JSONValue {
            guard case .string(let text) = value else { return value }
            let part = WordsPart(event: id, field: path, salt: salt(id, path), text: text)
            parts.append(part)
            return .string(part.commitment)
        }
        for field in spec(type).fields where field.kind == .words {
            if let value = sealed.payload[field.name] { sealed.payload[field.name] = commit(value, path: field.name) }
        }
        if type == .corrected, let correctedType, case .object(var fields)? = sealed.payload["fields"] {
            for field in spec(correctedType).fields where field.kind == .words {
                if let value = fields[field.name] { fields[field.name] = commit(value, path: "fields." + field.name) }
            }
            sealed.payload["fields"] = .object(fields)
        }
        return (sealed, parts)
    }

    /// The first free-text field of a signed event's payload that holds words instead of their
    /// commitment (an event sealed by no amparo of ledger format 2: a peer's that must not enter
    /// this log), with a correction's fields named `fields.NAME`; nil when there is none.
    package static func clearText(type: String, payload: [String: JSONValue]) -> String? {
        guard let kind = EventType(name: type) else { return nil }
        for field in spec(kind).fields where field.kind == .words {
            if case .string(let s)? = payload[field.name], !Words.isCommitment(s) { return field.name }
        }
        if kind == .corrected, case .object(let fields)? = payload["fields"] {
            for (name, value) in fields.sorted(by: { $0.key < $1.key }) where wordsNames.contains(name) {
                if case .string(let s) = value, !Words.isCommitment(s) { return "fields." + name }
            }
        }
        return nil
    }

    /// The names of free-text fields in any case event type.
    static let wordsNames = Set(specs.flatMap { $0.fields.filter { $0.kind == .words }.map(\.name) })

    /// The paths of the free-text values of an event (its commitments): what `case redact`
    /// erases when no field is named.
    package static func wordsFields(of payload: [String: JSONValue]) -> [String] {
        Words.commitments(in: payload).map(\.path)
    }
}
