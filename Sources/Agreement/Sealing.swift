import Ledger

extension Catalog {
    /// The draft as it is signed, and the words that go beside it (issue 23): each free-text field
    /// (``FieldKind/words``) becomes its commitment under a fresh salt, and so does each free-text
    /// field a correction sets (of `correctedType`, the type of the event it corrects). The draft
    /// gets its id here, as the words are filed under it.
    ///
    /// `salt` makes each value's salt: random (the default) on every real write; the scenario
    /// derives its salts from its seed so that the demo ledger is the same on every machine.
    public static func seal(
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

    /// The paths of the free-text values of an event (its commitments): what `case redact`
    /// erases when no field is named.
    public static func wordsFields(of payload: [String: JSONValue]) -> [String] {
        Words.commitments(in: payload).map(\.path)
    }
}
