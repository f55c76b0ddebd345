import Ledger

// The stored form of a finding (the projections keep each case's findings): everything a report
// renders in either language, the sentence included. Read back only from this node's own
// projections; bytes that do not read back are a damaged projection (nil here).

extension Sentence {
    package var json: JSONValue {
        .object(["key": .string(key), "args": .object(args.mapValues(Sentence.json))])
    }

    package init?(json: JSONValue) {
        guard let o = json.objectValue, let key = o["key"]?.stringValue, let raw = o["args"]?.objectValue else { return nil }
        var args: [String: Arg] = [:]
        for (name, value) in raw {
            guard let arg = Sentence.arg(value) else { return nil }
            args[name] = arg
        }
        self.init(key, args)
    }

    private static func json(_ arg: Arg) -> JSONValue {
        switch arg {
        case .text(let s): .object(["text": .string(s)])
        case .name(let c): .object(["name": .string(c)])
        case .subject(let c): .object(["subject": .string(c)])
        case .labels(let codes): .object(["labels": .array(codes.map(JSONValue.string))])
        case .phrase(let english, let type, let kind):
            .object(["phrase": .object(["english": .string(english), "type": .string(type), "kind": kind.map(JSONValue.string) ?? .null])])
        case .actions(let kinds): .object(["actions": .array(kinds.map(JSONValue.string))])
        case .part(let s): .object(["part": s.json])
        }
    }

    private static func arg(_ json: JSONValue) -> Arg? {
        guard let o = json.objectValue, o.count == 1, let (tag, value) = o.first else { return nil }
        func strings() -> [String]? {
            guard let a = value.arrayValue else { return nil }
            let s = a.compactMap(\.stringValue)
            return s.count == a.count ? s : nil
        }
        switch tag {
        case "text": return value.stringValue.map(Arg.text)
        case "name": return value.stringValue.map(Arg.name)
        case "subject": return value.stringValue.map(Arg.subject)
        case "labels": return strings().map(Arg.labels)
        case "actions": return strings().map(Arg.actions)
        case "part": return Sentence(json: value).map(Arg.part)
        case "phrase":
            guard let p = value.objectValue, let english = p["english"]?.stringValue, let type = p["type"]?.stringValue else { return nil }
            let kind = p["kind"]?.stringValue
            guard kind != nil || p["kind"] == .null else { return nil }
            return .phrase(english: english, type: type, kind: kind)
        default: return nil
        }
    }
}

extension DatedBreach {
    /// The breach's JSON (``Breach/json``) with its sentence and the day its act happened.
    package var json: JSONValue {
        guard case .object(var o) = breach.json else { return breach.json }
        o["sentence"] = breach.sentence?.json ?? .null
        o["on"] = on.map(JSONValue.string) ?? .null
        return .object(o)
    }

    package init?(json: JSONValue) {
        guard let o = json.objectValue, let rule = o["rule"]?.stringValue, let force = o["force"]?.stringValue,
            let message = o["message"]?.stringValue
        else { return nil }
        func optional(_ name: String) -> String?? {
            switch o[name] {
            case .string(let s): s
            case .null: .some(nil)
            default: nil
            }
        }
        guard let article = optional("article"), let event = optional("event"), let caseID = optional("case"), let actor = optional("actor"),
            let on = optional("on")
        else { return nil }
        let seq: UInt64?
        switch o["seq"] {
        case .number(let n) where n >= 0 && n == n.rounded() && n < 9e15: seq = UInt64(n)
        case .null: seq = nil
        default: return nil
        }
        let sentence: Sentence?
        switch o["sentence"] {
        case .null: sentence = nil
        case let value?:
            guard let s = Sentence(json: value) else { return nil }
            sentence = s
        case nil: return nil
        }
        self.init(
            on: on,
            breach: Breach(
                rule: rule, article: article, force: force, seq: seq, event: event, caseID: caseID, actor: actor, message: message, sentence: sentence))
    }
}
