import Foundation
import Ledger

/// The kind of value a payload field holds.
package indirect enum FieldKind: Sendable, Equatable {
    /// A short text that is a reference or a name of an office (a note's reference, a city), not
    /// an account of the case (non-empty, at most 2,000 characters); it is signed as written.
    case text
    /// Free text about the case (non-empty, at most 2,000 characters), erasable: the signed event
    /// holds its commitment, the words live beside the log (``Words``, issue 23).
    case words
    /// One of a fixed list of words.
    case choice([String])
    /// A lower-case word (`labour_exploitation`); which words are lawful is a rule's business.
    case word
    /// An RCM Member State code.
    case state
    /// An actor code: a Member State, `RCM-TS` or `IOM`.
    case actor
    /// Any ISO 3166-1 alpha-2 country code.
    case country
    /// A calendar date, `YYYY-MM-DD`.
    case date
    /// A whole number of months from 1 to 60, written as a JSON integer (`12`).
    case months
    /// A decimal amount of money as a string, `1250.00` (never a float).
    case amount
    /// An ISO 4217 currency code, `USD`.
    case currency
    case bool
    /// An event id (UUID).
    case eventID
    /// A meeting id, `2015-11-09-mexico-city`.
    case meetingID
    /// A list of values of one kind.
    case list(FieldKind)
    /// A consular network: `[{"country": "CR", "cities": ["San José"]}]`.
    case offices
    /// Any JSON object.
    case object
    /// A migrant's pseudonym: `p-` and at least 6 random lower-case hex digits (``Pseudonym``).
    case pseudonym

    /// How the value is written, for help and docs.
    package var hint: String {
        switch self {
        case .text: "text"
        case .words: "free text (signed as its commitment; the words kept beside the log, erasable)"
        case .choice(let words): words.joined(separator: "|")
        case .word: "lower-case word"
        case .state: "member State code (BZ CA CR DO SV GT HN MX NI PA US)"
        case .actor: "actor code (a Member State, RCM-TS or IOM)"
        case .country: "ISO 3166-1 alpha-2 country code"
        case .date: "YYYY-MM-DD"
        case .months: "whole number of months, 1 to 60"
        case .amount: "decimal amount, e.g. 1250.00"
        case .currency: "ISO 4217 code, e.g. USD"
        case .bool: "true|false"
        case .eventID: "event id (UUID)"
        case .meetingID: "meeting id, e.g. 2015-11-09-mexico-city"
        case .list(let k): "list of \(k.hint)"
        case .offices: "list of {country, cities}"
        case .object: "JSON object"
        case .pseudonym: "pseudonym p- and 6 to 32 lower-case hex digits, e.g. p-7f3a9c (made at random when omitted)"
        }
    }
}

/// One payload field of an event type.
package struct FieldSpec: Sendable {
    package let name: String
    package let kind: FieldKind
    package let required: Bool
    package let help: String

    /// `field` in a row: its name and kind as ``Field`` declares them.
    init<V>(_ field: Field<V>, required: Bool = true, _ help: String) {
        name = field.name
        kind = field.kind
        self.required = required
        self.help = help
    }
}
