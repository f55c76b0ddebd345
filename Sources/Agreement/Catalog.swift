import Foundation
import Ledger

/// The kind of value a payload field holds.
public indirect enum FieldKind: Sendable, Equatable {
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
    public var hint: String {
        switch self {
        case .text: "text"
        case .words: "free text (signed as its commitment; the words kept beside the log, erasable)"
        case .choice(let words): words.joined(separator: "|")
        case .word: "lower-case word"
        case .state: "member State code (BZ CA CR DO SV GT HN MX NI PA US)"
        case .actor: "actor code (a Member State, RCM-TS or IOM)"
        case .country: "ISO 3166-1 alpha-2 country code"
        case .date: "YYYY-MM-DD"
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
public struct FieldSpec: Sendable {
    public let name: String
    public let kind: FieldKind
    public let required: Bool
    public let help: String

    init(_ name: String, _ kind: FieldKind, required: Bool = true, _ help: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.help = help
    }
}

/// Who may record an event type (the `AUTHORITY` rule checks it).
public enum Role: String, Sendable {
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
public enum Update: Sendable {
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
public struct EventSpec: Sendable {
    public let type: EventType
    /// True for case events (they carry `case`); false for network events.
    public let isCaseEvent: Bool
    public let role: Role
    public let fields: [FieldSpec]
    /// The Article (or source) the event records, e.g. "Art. 6".
    public let source: String
    public let summary: String
    /// The `amparo` command that records it: ("case", "file"), ("network", "join"), …; nil for key events.
    public let command: (group: String, name: String)?
    /// True when the act may follow a case's conclusion or withdrawal (costs, claims, the
    /// presentation, erasure, corrections).
    public let afterClose: Bool
    /// How the act reads in a sentence: "a request", "a consular visit".
    let wording: @Sendable (Fact) -> String
    /// Its state update in the fold.
    let update: Update

    /// The wire name, `case.request_filed`.
    public var name: String { type.name }

    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }

    /// How `fact` reads in a sentence: "a request", "a consular visit".
    public func phrase(_ fact: Fact) -> String { wording(fact) }

    init(
        _ type: EventType, caseEvent: Bool, role: Role, fields: [FieldSpec], source: String, summary: String,
        command: (group: String, name: String)?, afterClose: Bool = false, phrase: String,
        update: Update = .none
    ) {
        self.init(
            type, caseEvent: caseEvent, role: role, fields: fields, source: source, summary: summary,
            command: command, afterClose: afterClose, wording: { _ in phrase }, update: update)
    }

    init(
        _ type: EventType, caseEvent: Bool, role: Role, fields: [FieldSpec], source: String, summary: String,
        command: (group: String, name: String)?, afterClose: Bool = false, wording: @escaping @Sendable (Fact) -> String,
        update: Update = .none
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
    }
}

/// The event catalog: one table, the single definition of every event type's payload, who may
/// record it, which Article it serves, how it reads and what it changes. Validation, the fold,
/// the `amparo` commands and docs/events.md are all made from it.
public enum Catalog {
    static let money = [
        FieldSpec("amount", .amount, "decimal amount, e.g. 1250.00"),
        FieldSpec("currency", .currency, "ISO 4217 currency code"),
    ]

    public static let specs: [EventSpec] = [
        // Key events (the Ledger layer checks them; no Agreement state).
        EventSpec(
            .genesis, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec("name", .text, "the ledger's name"), FieldSpec("root_keys", .list(.text), "the Secretariat's root verifier keys"),
            ], source: "-", summary: "The ledger's first event: the Secretariat's root key(s) and the ledger's name.", command: nil,
            phrase: "the ledger's genesis"),
        EventSpec(
            .keyRegistered, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec("actor", .text, "actor code the key signs for"), FieldSpec("public_key", .text, "C2SP verifier key"),
                FieldSpec("valid_from", .text, required: false, "RFC 3339 time from which the key may sign"),
            ], source: "-", summary: "The Secretariat binds a public key to an actor from a time on.", command: nil,
            phrase: "a key registration"),
        EventSpec(
            .keyRevoked, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec("actor", .text, "actor code"), FieldSpec("public_key", .text, "C2SP verifier key"),
                FieldSpec("revoked_at", .text, required: false, "RFC 3339 time from which the key is revoked"),
            ], source: "-", summary: "The Secretariat revokes a key from a time on.", command: nil,
            phrase: "a key revocation"),

        // Network events (no case).
        EventSpec(
            .enteredIntoForce, caseEvent: false, role: .secretariat,
            fields: [
                FieldSpec("date", .date, "date the Vice-Ministers approved the Agreement"),
                FieldSpec("text_version", .text, "version of the Agreement's text"),
            ], source: "Art. 9", summary: "The Agreement enters into force on its approval by the Vice-Ministers.", command: ("network", "in-force"),
            phrase: "the Agreement's entry into force"),
        EventSpec(
            .joinedAgreement, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec("effective", .date, "date from which the State is a Party")
            ], source: "Art. 7.2", summary: "A Member State decides to be a Party to the Agreement.", command: ("network", "join"),
            phrase: "a decision to be a Party"),
        EventSpec(
            .leftAgreement, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec("effective", .date, "date from which the State is no longer a Party")
            ], source: "Art. 7.2", summary: "A Member State stops being a Party.", command: ("network", "leave"),
            phrase: "a withdrawal from the Agreement"),
        EventSpec(
            .networkDeclared, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec("offices", .offices, "every country (and cities) where the State has a diplomatic or consular office; replaces the previous list")
            ], source: "Art. 7.6, 7.3", summary: "A State declares its full current list of offices abroad.", command: ("network", "declare-offices"),
            phrase: "a declaration of its consular network",
            update: .network { f, n in
                var offices: [String: [String]] = [:]
                for item in f.payload["offices"]?.arrayValue ?? [] {
                    guard let country = item["country"]?.stringValue else { continue }
                    offices[country] = item["cities"]?.arrayValue?.compactMap(\.stringValue) ?? []
                }
                n.offices[f.actor] = offices
            }),
        EventSpec(
            .focalPointDesignated, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec("office", .text, "the office acting as focal point"), FieldSpec("email", .text, "its e-mail address"),
                FieldSpec("telephone", .text, "its telephone number"),
            ], source: "Art. 7.6, CN item 8", summary: "A State designates its focal point for the Network.", command: ("network", "focal-point"),
            phrase: "the designation of a focal point",
            update: .network { f, n in
                n.focalPoints[f.actor] = .init(
                    office: f.string("office") ?? "", email: f.string("email") ?? "",
                    telephone: f.string("telephone") ?? "", since: f.occurred)
            }),
        EventSpec(
            .meetingScheduled, caseEvent: false, role: .secretariat,
            fields: [
                FieldSpec("meeting", .meetingID, "meeting id: date and host city slug (`meeting schedule` makes it from --date and --city when omitted)"),
                FieldSpec("date", .date, "date of the meeting"),
                FieldSpec("city", .text, "host city"), FieldSpec("country", .country, "host country"),
            ], source: "Art. 7.7", summary: "The Secretariat schedules a meeting of the Liaison Officer Network.", command: ("meeting", "schedule"),
            phrase: "the scheduling of a meeting",
            update: .network { f, n in
                guard let id = f.string("meeting") else { return }
                var m = n.meetings[id] ?? .init(id: id, date: f.string("date") ?? String(id.prefix(10)))
                m.date = f.string("date") ?? m.date
                m.city = f.string("city")
                m.country = f.string("country")
                m.scheduledSeq = f.seq
                n.meetings[id] = m
            }),
        EventSpec(
            .meetingHeld, caseEvent: false, role: .secretariat,
            fields: [
                FieldSpec("meeting", .meetingID, "meeting id"), FieldSpec("participants", .list(.state), "participating States"),
                FieldSpec("observers", .list(.text), required: false, "observers (IOM, UNHCR, RNCOM…)"),
            ], source: "seeds 002, 004", summary: "The Secretariat records that a meeting was held and who took part.", command: ("meeting", "held"),
            phrase: "a meeting held",
            update: .network { f, n in
                guard let id = f.string("meeting") else { return }
                var m = n.meetings[id] ?? .init(id: id, date: String(id.prefix(10)))
                m.held = true
                m.participants = f.strings("participants")
                m.observers = f.strings("observers")
                m.heldSeq = f.seq
                n.meetings[id] = m
            }),

        // Case events.
        EventSpec(
            .requestFiled, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("subject", .pseudonym, "random pseudonym of the migrant (never a name or a hash of personal data)"),
                FieldSpec("location_country", .country, "where the migrant is (any country)"),
                FieldSpec("location_city", .text, "city where the migrant is"),
                FieldSpec("category", .word, "category of the situation (Art. 7.4): \(Codes.categories.joined(separator: ", "))"),
                FieldSpec("perpetrator", .choice(Codes.perpetrators), "who violated the migrant's rights (Art. 7.4)"),
                FieldSpec("channel", .choice(Codes.channels), "who coordinates the request (Art. 7.5)"),
                FieldSpec("exception_reason", .words, required: false, "why local authorities are contacted directly (Art. 7.5)"),
                FieldSpec("protection_required", .words, "the consular protection required"),
                FieldSpec("sex", .choice(Codes.sexes), required: false, "disaggregation: sex"),
                FieldSpec("age_group", .choice(Codes.ageGroups), required: false, "disaggregation: age group"),
                FieldSpec("unaccompanied_child", .bool, required: false, "disaggregation: unaccompanied or separated child"),
                FieldSpec("disability", .bool, required: false, "disaggregation: disability"),
            ], source: "Art. 7.1-7.5", summary: "The State of nationality files a request for protection of its national.", command: ("case", "file"),
            phrase: "a request",
            update: .caseState { f, s, _ in
                guard s.filed == nil else { return }
                s.filed = f.occurred
                s.filedEvent = f.id
                s.subject = f.string("subject")
                s.locationCountry = f.string("location_country")
                s.locationCity = f.string("location_city")
                s.category = f.string("category")
                s.perpetrator = f.string("perpetrator")
                s.channel = f.string("channel")
                s.protectionRequired = f.string("protection_required")
                for key in ["sex", "age_group", "unaccompanied_child", "disability"] { s.indicators[key] = f.payload[key] }
            }),
        EventSpec(
            .secretariatNotified, caseEvent: true, role: .secretariat,
            fields: [
                FieldSpec("acknowledgement", .text, "the Secretariat's acknowledgement reference")
            ], source: "Art. 5", summary: "The Secretariat acknowledges the notification of the request.", command: ("case", "notify"),
            phrase: "an acknowledgement",
            update: .caseState { f, s, _ in
                s.notified = s.notified ?? f.occurred
                s.advance(to: .notified)
            }),
        EventSpec(
            .circulated, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("focal_points", .list(.state), "the States whose focal points were addressed")
            ], source: "Art. 7.6", summary: "The requesting State circulates the case to the focal points.", command: ("case", "circulate"),
            phrase: "a circulation to focal points",
            update: .caseState { f, s, _ in
                s.circulated = s.circulated ?? f.occurred
                s.advance(to: .circulated)
            }),
        EventSpec(
            .collaborationOffered, caseEvent: true, role: .otherMemberState,
            fields: [
                FieldSpec("offer", .words, "what the State can do, and how")
            ], source: "Art. 3, 7.6", summary: "A Party with an office in the location country offers to help.", command: ("case", "offer"),
            phrase: "an offer of collaboration",
            update: .caseState { f, s, _ in
                s.offers[f.actor] = s.offers[f.actor] ?? f.occurred
                s.advance(to: .offers)
            }),
        EventSpec(
            .collaborationDeclined, caseEvent: true, role: .otherMemberState,
            fields: [
                FieldSpec("reason", .words, required: false, "why")
            ], source: "Art. 3, 7.6", summary: "A Party declines to collaborate.", command: ("case", "decline"),
            phrase: "a refusal to collaborate",
            update: .caseState { f, s, _ in
                s.declines[f.actor] = f.occurred
            }),
        EventSpec(
            .assistingStateSelected, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("state", .state, "the Party chosen to assist")
            ], source: "Art. 5 ¶2", summary: "The requesting State establishes which Party is approached.", command: ("case", "select"),
            phrase: "the selection of an assisting State",
            update: .caseState { f, s, _ in
                s.selected = f.string("state")
                s.selectedAt = f.occurred
                s.advance(to: .assistingSelected)
            }),
        EventSpec(
            .formalRequestSent, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("to", .state, "the State asked for assistance"), FieldSpec("note", .text, "verbal note reference"),
                FieldSpec("mission", .text, "the consular mission addressed"),
            ], source: "Art. 6", summary: "The requesting State sends a formal request note to the consular mission.", command: ("case", "request"),
            phrase: "a formal request note",
            update: .caseState { f, s, _ in
                if let to = f.string("to") { s.formalRequests[to] = s.formalRequests[to] ?? f.occurred }
                s.advance(to: .formallyRequested)
            }),
        EventSpec(
            .scopeAgreed, caseEvent: true, role: .assistingState,
            fields: [
                FieldSpec("request_note", .text, "the requesting State's note reference"),
                FieldSpec("reply_note", .text, "the assisting State's note reference"),
                FieldSpec("scope", .list(.choice(Codes.actionKinds)), "the action kinds agreed"),
                FieldSpec("procedures", .words, "the procedures agreed"),
            ], source: "Art. 5 ¶1", summary: "The assisting State agrees scope and procedures by verbal notes.", command: ("case", "agree"),
            phrase: "an agreement on scope",
            update: .caseState { f, s, _ in
                s.scope[f.actor] = Set(f.strings("scope"))
                s.scopeAgreedAt = s.scopeAgreedAt ?? f.occurred
                s.advance(to: .scopeAgreed)
            }),
        EventSpec(
            .protectionActionRecorded, caseEvent: true, role: .assistingState,
            fields: [
                FieldSpec("kind", .choice(Codes.actionKinds), "the action taken"), FieldSpec("details", .words, "what was done (no personal data)"),
            ], source: "Art. 4", summary: "The assisting State records an act of protection.", command: ("case", "act"),
            wording: { f in Codes.actionPhrase(f.string("kind") ?? "") },
            update: .caseState { f, s, _ in
                s.actions.append((f.actor, f.string("kind") ?? "", f.occurred))
                s.advance(to: .inProtection)
            }),
        EventSpec(
            .costRecorded, caseEvent: true, role: .iomOrRequestingState,
            fields: [FieldSpec("payer", .actor, "who bears the cost")] + money + [FieldSpec("purpose", .words, "what for")],
            source: "Art. 8", summary: "A cost of the case and who bears it.", command: ("case", "cost"), afterClose: true,
            phrase: "a cost",
            update: .caseState { f, s, _ in
                s.costs.append((f.string("payer") ?? "", f.string("amount") ?? "0", f.string("currency") ?? "", f.occurred))
            }),
        EventSpec(
            .reimbursementClaimed, caseEvent: true, role: .assistingState,
            fields: [FieldSpec("from", .actor, "who is asked to reimburse (the State of nationality or IOM)")] + money
                + [FieldSpec("purpose", .words, "what was advanced")],
            source: "Art. 8", summary: "The assisting State claims what it advanced; due within 12 months (practice, not the Agreement's text).",
            command: ("case", "claim"), afterClose: true, phrase: "a reimbursement claim",
            update: .caseState { f, s, _ in
                s.claims[f.id] = CaseState.Claim(
                    from: f.string("from") ?? "", claimant: f.actor, amount: f.string("amount") ?? "0",
                    currency: f.string("currency") ?? "", at: f.occurred)
            }),
        EventSpec(
            .reimbursed, caseEvent: true, role: .iomOrRequestingState,
            fields: [FieldSpec("claim", .eventID, "the id of the reimbursement claim settled")] + money,
            source: "Art. 8", summary: "A claim is settled.", command: ("case", "reimburse"), afterClose: true,
            phrase: "a reimbursement",
            update: .caseState { f, s, _ in
                if let claim = f.string("claim").flatMap(EventID.init(parsing:)), s.claims[claim] != nil {
                    s.claims[claim]!.settled = f.occurred
                }
            }),
        EventSpec(
            .concluded, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("outcome", .choice(Codes.outcomes), "how the case ended"), FieldSpec("summary", .words, "summary (no personal data)"),
            ], source: "Art. 3, 7.7", summary: "The requesting State concludes the case.", command: ("case", "conclude"),
            phrase: "a conclusion",
            update: .caseState { f, s, _ in
                if s.concluded == nil {
                    s.concluded = f.occurred
                    s.concludedEvent = f.id
                    s.concludedSeq = f.seq
                    s.outcome = f.string("outcome")
                    s.summary = f.string("summary")
                }
                s.advance(to: .concluded)
            }),
        EventSpec(
            .withdrawn, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("reason", .words, "why the request is withdrawn")
            ], source: "-", summary: "The requesting State withdraws the request.", command: ("case", "withdraw"),
            phrase: "a withdrawal",
            update: .caseState { f, s, _ in
                s.withdrawn = s.withdrawn ?? f.occurred
                s.status = .withdrawn
            }),
        EventSpec(
            .presentedAtMeeting, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("meeting", .meetingID, "the Network meeting"), FieldSpec("nature", .words, "the nature of the situation"),
                FieldSpec("protection_required", .words, "the consular protection required"),
                FieldSpec("protection_provided", .words, "the consular protection provided"),
                FieldSpec("provided_by", .state, "the State that provided it"), FieldSpec("lessons", .words, "lessons learned"),
            ], source: "Art. 7.7, CN item 9", summary: "The requesting State presents the case and its conclusion at a Network meeting.",
            command: ("case", "present"), afterClose: true, phrase: "a presentation at a meeting",
            update: .caseState { f, s, _ in
                // A meeting the ledger does not know is LIFECYCLE's (the write path refuses it); Art. 7.7
                // counts only presentations at meetings the ledger knows.
                s.presentations.append(
                    (
                        f.string("meeting") ?? "", f.occurred, f.string("protection_provided") ?? "",
                        f.string("provided_by") ?? "", f.string("nature") ?? "", f.string("protection_required") ?? "",
                        f.string("lessons") ?? ""
                    ))
                if s.concluded != nil { s.advance(to: .presented) }
            }),
        EventSpec(
            .personalDataErased, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec("request", .text, "the erasure request reference")
            ], source: "GCM 14(e)", summary: "The off-ledger personal data of the case and its key were destroyed.", command: ("person", "erase"),
            afterClose: true, phrase: "an erasure of personal data",
            update: .caseState { f, s, _ in
                s.erased = f.occurred
            }),
        EventSpec(
            .redacted, caseEvent: true, role: .requestingStateOrSecretariat,
            fields: [
                FieldSpec("event", .eventID, "the id of the event whose words are erased"),
                FieldSpec("fields", .list(.text), "the payload fields erased (`fields.summary` in a correction)"),
                FieldSpec("request", .text, "the erasure request reference"),
            ], source: "GCM 14(e)", summary: "The words of named free-text values are destroyed on every node; their commitments stay signed.",
            command: ("case", "redact"), afterClose: true, phrase: "an erasure of words"),
        EventSpec(
            .corrected, caseEvent: true, role: .author,
            fields: [
                FieldSpec("event", .eventID, "the id of the event corrected"),
                FieldSpec("fields", .object, "the corrected payload fields and their new values; `occurred` corrects when the act happened"),
                FieldSpec("reason", .words, "why"),
            ], source: "-", summary: "The author corrects an earlier event; nothing is edited in place.", command: ("case", "correct"),
            afterClose: true, phrase: "a correction"),
    ]

    static let byType: [EventType: EventSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.type, $0) })

    /// The row of `type` (every type has one; a test checks it).
    public static func spec(_ type: EventType) -> EventSpec { byType[type]! }

    /// The row of the type named `name`, or nil for a name the catalog does not know.
    public static func spec(named name: String) -> EventSpec? { EventType(name: name).map(spec) }

    /// The rows that have an `amparo` command in `group` ("case", "network", "meeting"), in catalog order.
    public static func commands(in group: String) -> [EventSpec] { specs.filter { $0.command?.group == group } }

    /// Checks an event's shape against the catalog: known type, case present exactly for case
    /// events, well-formed case id, every payload field known and of its kind, none missing.
    /// Returns a sentence naming the problem, or nil.
    /// `draft`: the payload as an author writes it, free text as words (before ``Catalog/seal``);
    /// otherwise as signed, free text as commitments.
    public static func shapeProblem(type: String, caseID: String?, payload: [String: JSONValue], draft: Bool = false) -> String? {
        guard let spec = spec(named: type) else {
            return "unknown event type \"\(type)\" (see docs/events.md for the catalog)"
        }
        if spec.isCaseEvent {
            guard let caseID else { return "\(type) is a case event: it needs \"case\"" }
            guard CaseID(caseID) != nil else {
                return "case id \"\(caseID)\" is not <requesting State>-<year>-<4-digit serial>, e.g. HN-2015-0007"
            }
        } else if caseID != nil {
            return "\(type) is a network event: it takes no \"case\""
        }
        if let unknown = payload.keys.sorted().first(where: { spec.field($0) == nil }) {
            return "\(type) has no payload field \"\(unknown)\" (fields: \(spec.fields.map(\.name).joined(separator: ", ")))"
        }
        for field in spec.fields {
            guard let value = payload[field.name] else {
                if field.required { return "\(type) needs payload field \"\(field.name)\" (\(field.help))" }
                continue
            }
            if let problem = check(value, field.kind, draft: draft) {
                return "payload field \"\(field.name)\" of \(type): \(problem)"
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
    public static func caseYearProblem(type: String, caseID: String?, occurred: Timestamp) -> String? {
        guard let caseID, let id = CaseID(caseID), let year = Int(occurred.date.prefix(4)) else { return nil }
        if type == EventType.requestFiled.name, year != id.year {
            return "case \(caseID) is numbered in \(id.year) but its request is dated \(occurred.date): a case id carries the year the request was filed"
        }
        if year < id.year {
            return "\(type) of case \(caseID) is dated \(occurred.date), before \(id.year), the year the case was filed"
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
    public static let correctedOccurred = "occurred"

    /// What is wrong with `fields` as corrections of an event of `type`: a field the type does not
    /// have, or a value not of the field's kind; nil when each is a field of the type with a
    /// lawful value, or `occurred` with a time (``correctedOccurred``).
    public static func correctionProblem(of type: EventType, fields: [String: JSONValue], draft: Bool = false) -> String? {
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

/// A case id: `<requesting State>-<year filed>-<4-digit serial>`, e.g. `HN-2015-0007`.
public struct CaseID: Hashable, Sendable {
    public let state: String
    public let year: Int
    public let serial: Int
    public init?(_ text: String) {
        // The usual form `MX-2015-0001`, read from its bytes (every case event is checked).
        let b = Array(text.utf8)
        if b.count == 12, b[2] == 0x2D, b[7] == 0x2D, (0x41...0x5A).contains(b[0]), (0x41...0x5A).contains(b[1]),
            b[3...6].allSatisfy({ (0x30...0x39).contains($0) }), b[8...11].allSatisfy({ (0x30...0x39).contains($0) })
        {
            let serial = b[8...11].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard serial > 0 else { return nil }
            state = String(decoding: b[0...1], as: UTF8.self)
            year = b[3...6].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            self.serial = serial
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[0].allSatisfy({ $0.isUppercase && $0.isASCII }),
            parts[1].count == 4, let year = Int(parts[1]), parts[2].count == 4, let serial = Int(parts[2]), serial > 0
        else { return nil }
        state = String(parts[0])
        self.year = year
        self.serial = serial
    }
}

/// Meeting ids: `<date>-<host city slug>`.
public enum MeetingID {
    public static func isValid(_ text: String) -> Bool {
        text.count > 11 && Timestamp(parsing: String(text.prefix(10))) != nil && text.dropFirst(10).first == "-"
            && text.dropFirst(11).allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
    }

    /// `2015-11-09-mexico-city` from a date and a city name.
    public static func make(date: String, city: String) -> String {
        let folded = city.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        let slug = folded.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        return date + "-" + slug
    }
}

/// A migrant's pseudonym: `p-` and 6 to 32 lower-case hex digits, random (never derived from a
/// name or a birth date, which could be guessed back).
public enum Pseudonym {
    public static func isValid(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst(2)
        return text.hasPrefix("p-") && (6...32).contains(digits.count)
            && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A fresh pseudonym: 12 random hex digits (48 bits) from the system's generator.
    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return "p-" + (0..<12).map { _ in String(rng.next() % 16, radix: 16) }.joined()
    }
}
