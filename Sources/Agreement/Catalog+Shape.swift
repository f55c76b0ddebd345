import Foundation
import Ledger

/// What is wrong with a draft: one sentence, kept in parts when it names a payload field
/// (``FieldWording``), so that an event command can name the field by its flag.
package struct Problem: Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    package let wording: FieldWording?
    let text: String

    package init(_ wording: FieldWording) {
        self.wording = wording
        self.text = wording.description
    }
    package init(stringLiteral value: String) {
        wording = nil
        text = value
    }
    package init(stringInterpolation: DefaultStringInterpolation) {
        wording = nil
        text = String(stringInterpolation: stringInterpolation)
    }

    package var description: String { text }

    /// The problem as an error of `code`, its sentence between `prefix` and `suffix`.
    package func error(_ code: LedgerError.Code, _ prefix: String, _ suffix: String) -> LedgerError {
        wording.map { LedgerError(code, $0.around(prefix, suffix)) } ?? LedgerError(code, prefix + text + suffix)
    }
}

extension Catalog {
    /// Checks an event's shape against the catalog: known type, case present exactly for case
    /// events, well-formed case id, every payload field known and of its kind, none missing.
    /// Returns a sentence naming the problem, or nil.
    /// `draft`: the payload as an author writes it, free text as words (before ``Catalog/seal``);
    /// otherwise as signed, free text as commitments.
    package static func shapeProblem(type: String, caseID: String?, payload: [String: JSONValue], draft: Bool = false) -> Problem? {
        guard let spec = spec(named: type) else {
            return "unknown event type \"\(type)\" (see docs/events.md for the catalog)"
        }
        if spec.isCaseEvent {
            guard let caseID else { return "\(type) is a case event: it needs \"case\"" }
            guard CaseID(caseID) != nil else {
                return "case id \"\(caseID)\" is not <requesting State>-<year>-<4-digit serial>, e.g. HN-2015-0007\(CaseID.didYouMean(caseID))"
            }
        } else if caseID != nil {
            return "\(type) is a network event: it takes no \"case\""
        }
        if let unknown = payload.keys.sorted().first(where: { spec.field($0) == nil }) {
            return "\(type) has no payload field \"\(unknown)\" (fields: \(spec.fields.map(\.name).joined(separator: ", ")))"
        }
        for field in spec.fields {
            guard let value = payload[field.name] else {
                if field.required { return Problem(FieldWording(field: field.name, before: "\(type) needs ", after: " (\(field.help))")) }
                continue
            }
            if let problem = check(value, field.kind, draft: draft) {
                return Problem(FieldWording(field: field.name, named: "payload field \"\(field.name)\" of \(type)", after: ": \(problem)"))
            }
        }
        // A meeting id begins with the meeting's date: an id that says another day names another meeting.
        if spec.type == .meetingScheduled, let id = payload["meeting"]?.stringValue, let date = payload["date"]?.stringValue,
            !id.hasPrefix(date + "-")
        {
            return
                "meeting id \"\(id)\" does not begin with its date \(date): a meeting id is <date>-<host city>, e.g. \(MeetingID.make(date: date, city: payload["city"]?.stringValue ?? "city"))"
        }
        return nil
    }

    /// A case id carries the year its request was filed: the filing must have happened in that
    /// year, and no act of the case before it. Checked on the write path (an input error).
    package static func caseYearProblem(type: String, caseID: String?, occurred: Timestamp) -> Problem? {
        guard let caseID, let id = CaseID(caseID), let year = Int(occurred.date.prefix(4)) else { return nil }
        if type == EventType.requestFiled.name, year != id.year {
            return "case \(caseID) is numbered in \(id.year) but its request is dated \(occurred.date): a case id carries the year the request was filed"
        }
        if year < id.year {
            return "\(type) of case \(caseID) is dated \(occurred.date), before \(id.year), the year the case was filed"
        }
        return nil
    }

    /// Why `day` (`YYYY-MM-DD`) is too far from `today` to be taken without confirmation, or nil:
    /// a date before 2000 or more than two years (730 days) after today is most likely a typo
    /// (`9999-12-31`, `2105` for `2015`). The write path asks for `--confirm-far-date`.
    package static func farDateReason(_ day: String, today: Timestamp) -> String? {
        if day < "2000-01-01" { return "before 2000" }
        let latest = today.adding(seconds: 730 * 86400).date
        return day > latest ? "more than two years after today (\(today.date))" : nil
    }

    /// What follows a date's name when it is too far: ` is 9999-12-31, more than two years after …`.
    package static func farDateSentence(_ day: String, _ reason: String) -> String {
        " is \(day), \(reason): most likely a typo; check it, or give --confirm-far-date to record it"
    }

    /// The first date of `draft` too far from `today` (``farDateReason(_:today:)``): its
    /// `occurred`, a date field of its payload, a corrected date. Named by field.
    package static func farDateProblem(_ draft: Draft, today: Timestamp) -> Problem? {
        func problem(_ field: String, named: String? = nil, _ day: String) -> Problem? {
            farDateReason(day, today: today).map { Problem(FieldWording(field: field, named: named, after: farDateSentence(day, $0))) }
        }
        // An act dated after today is refused as in the future, whatever the confirmation.
        if draft.occurred <= today, let found = problem("occurred", named: "\"occurred\"", draft.occurred.date) { return found }
        guard let spec = spec(named: draft.type) else { return nil }
        for field in spec.fields where field.kind == .date {
            if let day = draft.payload[field.name]?.stringValue, let found = problem(field.name, day) { return found }
        }
        if spec.type == .corrected, let fields = draft.payload["fields"]?.objectValue {
            for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
                let isDate = name == correctedOccurred || specs.contains { $0.field(name)?.kind == .date }
                if isDate, let day = value.stringValue.flatMap(Timestamp.init(parsing:))?.date,
                    let found = problem(name, named: "corrected \"\(name)\"", day)
                {
                    return found
                }
            }
        }
        return nil
    }

    /// `0`, `1250`, `1250.5`, `1250.00`: no sign, no leading zeros, at most two decimals.
    static func isAmount(_ s: String) -> Bool {
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (x: Substring) in !x.isEmpty && x.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        guard let whole = parts.first, digits(whole), whole.count <= 15, whole == "0" || whole.first != "0" else { return false }
        return parts.count == 1 || (digits(parts[1]) && parts[1].count <= 2)
    }

    /// The key of `fields` in a correction that carries the act's corrected date (an RFC 3339
    /// time, or a date `YYYY-MM-DD` for midnight UTC).
    package static let correctedOccurred = "occurred"

    /// What is wrong with `fields` as corrections of an event of `type`: a field the type does not
    /// have, or a value not of the field's kind; nil when each is a field of the type with a
    /// lawful value, or `occurred` with a time (``correctedOccurred``).
    package static func correctionProblem(of type: EventType, fields: [String: JSONValue], draft: Bool = false) -> Problem? {
        let spec = spec(type)
        if type == .corrected { return "a correction corrects an act, not another correction; correct the act itself" }
        if fields.isEmpty { return "the correction names no field; give the fields to correct, e.g. {\"\(correctedOccurred)\": \"2026-11-20T10:00:00Z\"}" }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if name == correctedOccurred {
                guard value.stringValue.flatMap(Timestamp.init(parsing:)) != nil else {
                    return "corrected \"\(name)\": expected an RFC 3339 time such as \"2026-11-20T10:00:00Z\" (or a date 2026-11-20)"
                }
                continue
            }
            guard let field = spec.field(name) else {
                let known = [correctedOccurred] + spec.fields.map(\.name)
                return "\(spec.name) has no payload field \"\(name)\" (a correction may name: \(known.joined(separator: ", ")))"
            }
            if let problem = check(value, field.kind, draft: draft) { return "corrected field \"\(name)\": \(problem)" }
        }
        return nil
    }

    /// Whether `s` holds a character other than horizontal white space (what trimming
    /// `.whitespaces` would leave), without bridging to NSString: the fold checks every act's text.
    static func hasNonBlank(_ s: String) -> Bool {
        s.unicodeScalars.contains { c in !(c == " " || c == "\t" || (!c.isASCII && CharacterSet.whitespaces.contains(c))) }
    }

    /// A character text may not hold, or nil: a control character other than tab, line feed and
    /// carriage return, an invisible format character (Unicode category Cf: the bidirectional
    /// controls of "Trojan Source", zero-width characters, the byte-order mark) or a line or
    /// paragraph separator. Such text reads differently from what is stored; the output escapes
    /// it, but it is refused here so that the log never holds it.
    package static func invisibleProblem(_ s: String) -> String? {
        for c in s.unicodeScalars {
            if c.isASCII {
                guard c.value < 0x20 || c.value == 0x7F, c != "\t", c != "\n", c != "\r" else { continue }
            } else {
                switch c.properties.generalCategory {
                case .format, .control, .lineSeparator, .paragraphSeparator: break
                default: continue
                }
            }
            let code = "U+" + String(c.value, radix: 16, uppercase: true).leftPadded(to: 4)
            let name = c.properties.name.map { " (\($0))" } ?? ""
            return
                "holds the invisible character \(code)\(name): bidirectional controls, zero-width and other invisible characters make text read otherwise than it is stored; remove it"
        }
        return nil
    }

    /// What is wrong with `value` as a value of `kind`. Free text (``FieldKind/words``) is its
    /// commitment in a signed event, and the words themselves in a `draft`.
    static func check(_ value: JSONValue, _ kind: FieldKind, draft: Bool = false) -> String? {
        func string() -> String? { value.stringValue }
        switch kind {
        case .words where !draft:
            guard let s = string(), Words.isCommitment(s) else {
                return "expected the commitment of free text (\(Words.prefix) and 64 hex digits): a signed event never holds the words themselves"
            }
        case .text, .words:
            guard let s = string(), Catalog.hasNonBlank(s), s.utf8.count <= 2000 || s.count <= 2000 else {
                return "expected non-empty text (at most 2,000 characters)"
            }
            if let problem = invisibleProblem(s) { return problem }
        case .choice(let words):
            guard let s = string(), words.contains(s) else { return "expected one of \(words.joined(separator: ", "))" }
        case .word:
            guard let s = string(), !s.isEmpty, s.count <= 64, s.allSatisfy({ ($0.isLowercase && $0.isASCII) || $0 == "_" }) else {
                return "expected a lower-case word such as labour_exploitation"
            }
        case .state:
            guard let s = string(), Codes.isMemberState(s) else { return "expected an RCM Member State code (\(Codes.memberStates.joined(separator: " ")))" }
        case .actor:
            guard let s = string(), Codes.isMemberState(s) || s == Codes.iom || s == Codes.secretariat || Codes.isCountry(s) else {
                return "expected an actor code (a State code, RCM-TS or IOM)"
            }
        case .country:
            guard let s = string(), Codes.isCountry(s) else { return "expected an ISO 3166-1 alpha-2 country code such as CR or ES" }
        case .date:
            guard let s = string(), s.count == 10, Timestamp(parsing: s) != nil else { return "expected a date YYYY-MM-DD" }
        case .months:
            guard case .number(let n) = value, n.rounded() == n, (1...60).contains(n) else {
                return "expected a whole number of months from 1 to 60, written as a number (12)"
            }
        case .amount:
            guard let s = string(), Catalog.isAmount(s) else {
                return "expected a decimal amount as a string, e.g. \"1250.00\" (never a float)"
            }
        case .currency:
            guard let s = string(), s.utf8.count == 3, s.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else { return "expected an ISO 4217 code such as USD" }
        case .bool:
            guard value.boolValue != nil else { return "expected true or false" }
        case .eventID:
            guard let s = string(), EventID(parsing: s) != nil else { return "expected an event id (UUID)" }
        case .meetingID:
            guard let s = string(), MeetingID.isValid(s) else { return "expected a meeting id such as 2015-11-09-mexico-city" }
        case .list(let inner):
            guard let items = value.arrayValue, !items.isEmpty else { return "expected a non-empty list" }
            for item in items { if let p = check(item, inner) { return "an item: \(p)" } }
        case .offices:
            guard let items = value.arrayValue else { return "expected a list of {\"country\", \"cities\"}" }
            for item in items {
                guard let o = item.objectValue, Set(o.keys).isSubset(of: ["country", "cities"]),
                    let c = o["country"]?.stringValue, Codes.isCountry(c)
                else { return "each office is {\"country\": ISO code, \"cities\": [text]}" }
                if let cities = o["cities"], cities.arrayValue?.allSatisfy({ $0.stringValue?.isEmpty == false }) != true {
                    return "cities of \(c) must be a list of names"
                }
                for city in o["cities"]?.arrayValue ?? [] {
                    if let problem = city.stringValue.flatMap(invisibleProblem) { return "a city of \(c): \(problem)" }
                }
            }
        case .object:
            guard value.objectValue != nil else { return "expected a JSON object" }
        case .pseudonym:
            guard let s = string(), Pseudonym.isValid(s) else {
                return
                    "expected a pseudonym: p- and 6 to 32 random lower-case hex digits, such as p-7f3a9c (`amparo case file` makes one when --subject is omitted); a name or document belongs in the vault (`amparo person set`), never in the log"
            }
        }
        return nil
    }
}

extension String {
    /// `"7".leftPadded(to: 4)` is `"0007"`.
    package func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
