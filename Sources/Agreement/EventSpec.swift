import Foundation
import Ledger

/// Who may record an event type (the `AUTHORITY` rule checks it).
package enum Role: String, Sendable {
    /// The RCM Technical Secretariat.
    case secretariat
    /// The migrant's State of nationality, whose code begins the case id.
    case requestingState = "requesting State"
    /// A Member State other than the requesting State.
    case otherMemberState = "a Member State other than the requesting State"
    /// A Member State acting as assisting State (which one is checked by ART5-SELECTION).
    case assistingState = "assisting State"
    /// IOM or the requesting State.
    case iomOrRequestingState = "IOM or the requesting State"
    /// The author of the event being corrected.
    case author = "author of the corrected event"
    /// The Member State the event is about (network events by a State).
    case memberState = "the Member State itself"
    /// Key events: the Secretariat, checked by the Ledger layer.
    case keyAuthority = "RCM-TS (key registry)"
    /// The requesting State, or the Secretariat (an erasure of words).
    case requestingStateOrSecretariat = "the requesting State or RCM-TS"
}

/// How an event changes what the fold knows.
package enum Update: Sendable {
    /// The event changes nothing the rules read (key events: the Ledger's registry holds them).
    case none
    /// A network event: the Network's facts. (Dated facts, such as entry into force and Party
    /// membership, are known from their date whatever the act's place in the fold: see
    /// ``Calendar``.)
    case network(@Sendable (Fact, inout NetworkState) -> Void)
    /// A case event: the case's state, given the Network as of the act.
    case caseState(@Sendable (Fact, inout CaseState, NetworkState) -> Void)
}

/// One event type of the catalog (shared/docs/domain.md, "Event catalog"): everything about it
/// in one row — payload fields, who records it, its Article, its command, its state update in the
/// fold and its wording in sentences.
package struct EventSpec: Sendable {
    package let type: EventType
    /// True for case events (they carry `case`); false for network events.
    package let isCaseEvent: Bool
    package let role: Role
    package let fields: [FieldSpec]
    /// The Article (or source) the event records, e.g. "Art. 6".
    package let source: String
    package let summary: String
    /// The `amparo` command that records it: ("case", "file"), ("network", "join"), …; nil for key events.
    package let command: (group: String, name: String)?
    /// True when the act may follow a case's conclusion or withdrawal (costs, claims, the
    /// presentation, erasure, corrections).
    package let afterClose: Bool
    /// How the act reads in a sentence: "a request", "a consular visit".
    let wording: @Sendable (Fact) -> String
    /// Its state update in the fold.
    let update: Update
    /// An example for docs/events.md, when the scenario records none of this type.
    package let example: Example?

    /// An act of this type as its author drafts it (the time is the page's).
    package struct Example: Sendable {
        package let actor: String
        package let caseID: String?
        package let payload: [String: JSONValue]
    }

    /// The wire name, `case.request_filed`.
    package var name: String { type.name }

    package func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }

    /// How `fact` reads in a sentence: "a request", "a consular visit".
    package func phrase(_ fact: Fact) -> String { wording(fact) }

    init(
        _ type: EventType, caseEvent: Bool, role: Role, fields: [FieldSpec], source: String, summary: String,
        command: (group: String, name: String)?, afterClose: Bool = false, phrase: String,
        update: Update = .none, example: Example? = nil
    ) {
        self.init(
            type, caseEvent: caseEvent, role: role, fields: fields, source: source, summary: summary,
            command: command, afterClose: afterClose, wording: { _ in phrase }, update: update, example: example)
    }

    init(
        _ type: EventType, caseEvent: Bool, role: Role, fields: [FieldSpec], source: String, summary: String,
        command: (group: String, name: String)?, afterClose: Bool = false, wording: @escaping @Sendable (Fact) -> String,
        update: Update = .none, example: Example? = nil
    ) {
        self.type = type
        isCaseEvent = caseEvent
        self.role = role
        self.fields = fields
        self.source = source
        self.summary = summary
        self.command = command
        self.afterClose = afterClose
        self.wording = wording
        self.update = update
        self.example = example
    }
}
