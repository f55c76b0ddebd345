import Foundation
import Ledger

/// A payload field named once, with the kind its value is checked against and the Swift type it
/// is read as: `fact[.date]` is a `Timestamp?`, `fact[.claim]` an `EventID?`. The catalog's rows
/// list their fields by these keys (``FieldSpec``), so a field's name and kind live here alone.
package struct Field<Value: PayloadValue>: Sendable {
    package let name: String
    package let kind: FieldKind

    init(_ name: String, _ kind: FieldKind) {
        self.name = name
        self.kind = kind
    }
}

/// A consular network as declared: country → cities.
package typealias Offices = [String: [String]]

/// A payload value decoded once, when its ``Fact`` is made.
package enum Decoded: Sendable {
    case string(String)
    case date(Timestamp)
    case event(EventID)
    case strings([String])
    case bool(Bool)
    case int(Int)
    case offices(Offices)
    case object([String: JSONValue])

    /// `value` read as a value of `kind`, whether or not it is lawful for it (the shape check
    /// says that): a malformed act's fields read as its author wrote them, as far as they can.
    init?(_ value: JSONValue, _ kind: FieldKind) {
        switch kind {
        case .date:
            guard let date = value.stringValue.flatMap(Timestamp.init(parsing:)) else { return nil }
            self = .date(date)
        case .eventID:
            guard let id = value.stringValue.flatMap(EventID.init(parsing:)) else { return nil }
            self = .event(id)
        case .list:
            guard let items = value.arrayValue else { return nil }
            self = .strings(items.compactMap(\.stringValue))
        case .bool:
            guard let b = value.boolValue else { return nil }
            self = .bool(b)
        case .months:
            guard case .number(let n) = value, n.rounded() == n, abs(n) < 1e9 else { return nil }
            self = .int(Int(n))
        case .offices:
            guard let items = value.arrayValue else { return nil }
            var offices: Offices = [:]
            for item in items {
                guard let country = item["country"]?.stringValue else { continue }
                offices[country] = item["cities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            self = .offices(offices)
        case .object:
            guard let o = value.objectValue else { return nil }
            self = .object(o)
        case .text, .words, .choice, .word, .state, .actor, .country, .amount, .currency, .meetingID, .pseudonym:
            guard let s = value.stringValue else { return nil }
            self = .string(s)
        }
    }
}

/// A Swift type a payload field is read as.
package protocol PayloadValue: Sendable {
    static func from(_ decoded: Decoded) -> Self?
}

extension String: PayloadValue {
    package static func from(_ d: Decoded) -> String? { if case .string(let s) = d { s } else { nil } }
}
extension Timestamp: PayloadValue {
    package static func from(_ d: Decoded) -> Timestamp? { if case .date(let t) = d { t } else { nil } }
}
extension EventID: PayloadValue {
    package static func from(_ d: Decoded) -> EventID? { if case .event(let id) = d { id } else { nil } }
}
extension Array: PayloadValue where Element == String {
    package static func from(_ d: Decoded) -> [String]? { if case .strings(let s) = d { s } else { nil } }
}
extension Int: PayloadValue {
    package static func from(_ d: Decoded) -> Int? { if case .int(let n) = d { n } else { nil } }
}

extension Bool: PayloadValue {
    package static func from(_ d: Decoded) -> Bool? { if case .bool(let b) = d { b } else { nil } }
}
/// What a payload dictionary maps to: a country's cities, or a corrected field's new value.
package protocol PayloadElement: Sendable {}
extension Array: PayloadElement where Element == String {}
extension JSONValue: PayloadElement {}

/// Offices (country → cities) or a JSON object (a correction's fields).
extension Dictionary: PayloadValue where Key == String, Value: PayloadElement {
    package static func from(_ d: Decoded) -> [String: Value]? {
        switch d {
        case .offices(let o): o as? [String: Value]
        case .object(let o): o as? [String: Value]
        default: nil
        }
    }
}

/// An act's payload decoded once by its catalog row: each field of the row the payload holds,
/// as a typed value (``Decoded``). Read with a ``Field`` key.
package struct Payload: Sendable {
    private var values: [String: Decoded] = [:]

    /// The fields of `payload` that `spec` knows, decoded by their kinds.
    init(_ payload: [String: JSONValue], _ spec: EventSpec?) {
        guard let spec else { return }
        for field in spec.fields {
            if let value = payload[field.name], let decoded = Decoded(value, field.kind) { values[field.name] = decoded }
        }
    }

    package subscript<V>(_ field: Field<V>) -> V? { values[field.name].flatMap(V.from) }
}
extension Field where Value == String {
    package static var acknowledgement: Self { .init("acknowledgement", .text) }
    package static var actor: Self { .init("actor", .text) }
    package static var ageGroup: Self { .init("age_group", .choice(Codes.ageGroups)) }
    package static var amount: Self { .init("amount", .amount) }
    package static var category: Self { .init("category", .word) }
    package static var channel: Self { .init("channel", .choice(Codes.channels)) }
    package static var city: Self { .init("city", .text) }
    package static var country: Self { .init("country", .country) }
    package static var currency: Self { .init("currency", .currency) }
    package static var details: Self { .init("details", .words) }
    package static var email: Self { .init("email", .text) }
    package static var exceptionReason: Self { .init("exception_reason", .words) }
    package static var from: Self { .init("from", .actor) }
    package static var kind: Self { .init("kind", .choice(Codes.actionKinds)) }
    package static var lessons: Self { .init("lessons", .words) }
    package static var locationCity: Self { .init("location_city", .text) }
    package static var locationCountry: Self { .init("location_country", .country) }
    package static var meeting: Self { .init("meeting", .meetingID) }
    package static var mission: Self { .init("mission", .text) }
    package static var name: Self { .init("name", .text) }
    package static var nature: Self { .init("nature", .words) }
    package static var note: Self { .init("note", .text) }
    package static var offer: Self { .init("offer", .words) }
    package static var office: Self { .init("office", .text) }
    package static var outcome: Self { .init("outcome", .choice(Codes.outcomes)) }
    package static var payer: Self { .init("payer", .actor) }
    package static var perpetrator: Self { .init("perpetrator", .choice(Codes.perpetrators)) }
    package static var procedures: Self { .init("procedures", .words) }
    package static var protectionProvided: Self { .init("protection_provided", .words) }
    package static var protectionRequired: Self { .init("protection_required", .words) }
    package static var providedBy: Self { .init("provided_by", .state) }
    package static var publicKey: Self { .init("public_key", .text) }
    package static var purpose: Self { .init("purpose", .words) }
    package static var reason: Self { .init("reason", .words) }
    package static var replyNote: Self { .init("reply_note", .text) }
    package static var request: Self { .init("request", .text) }
    package static var requestNote: Self { .init("request_note", .text) }
    package static var revokedAt: Self { .init("revoked_at", .text) }
    package static var sex: Self { .init("sex", .choice(Codes.sexes)) }
    package static var source: Self { .init("source", .text) }
    package static var state: Self { .init("state", .state) }
    package static var subject: Self { .init("subject", .pseudonym) }
    package static var summary: Self { .init("summary", .words) }
    package static var telephone: Self { .init("telephone", .text) }
    package static var textVersion: Self { .init("text_version", .text) }
    package static var to: Self { .init("to", .state) }
    package static var validFrom: Self { .init("valid_from", .text) }
}

extension Field where Value == Timestamp {
    package static var date: Self { .init("date", .date) }
    package static var effective: Self { .init("effective", .date) }
}

extension Field where Value == EventID {
    package static var claim: Self { .init("claim", .eventID) }
    package static var event: Self { .init("event", .eventID) }
}

extension Field where Value == [String] {
    package static var focalPoints: Self { .init("focal_points", .list(.state)) }
    package static var observers: Self { .init("observers", .list(.text)) }
    package static var participants: Self { .init("participants", .list(.state)) }
    package static var redactedFields: Self { .init("fields", .list(.text)) }
    package static var rootKeys: Self { .init("root_keys", .list(.text)) }
    package static var scope: Self { .init("scope", .list(.choice(Codes.actionKinds))) }
}

extension Field where Value == Int {
    package static var months: Self { .init("months", .months) }
}

extension Field where Value == Bool {
    package static var disability: Self { .init("disability", .bool) }
    package static var unaccompaniedChild: Self { .init("unaccompanied_child", .bool) }
}

extension Field where Value == Offices {
    package static var offices: Self { .init("offices", .offices) }
}

extension Field where Value == [String: JSONValue] {
    package static var correctedFields: Self { .init("fields", .object) }
}
