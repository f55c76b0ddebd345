import Foundation
import Ledger

/// The event catalog: one table, the single definition of every event type's payload, who may
/// record it, which Article it serves, how it reads and what it changes. Validation, the fold,
/// the `amparo` commands and docs/events.md are all made from it.
package enum Catalog {
    static let money = [
        FieldSpec("amount", .amount, "decimal amount, e.g. 1250.00"),
        FieldSpec("currency", .currency, "ISO 4217 currency code"),
    ]

    package static let specs: [EventSpec] = [
        // Key events (the Ledger layer checks them; no Agreement state).
        EventSpec(
            .genesis, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec("name", .text, "the ledger's name"), FieldSpec("root_keys", .list(.text), "the Secretariat's root verifier keys"),
            ], source: "-", summary: "The ledger's first event: the Secretariat's root key(s) and the ledger's name.", command: nil,
            phrase: "the ledger's genesis",
            example: .init(
                actor: "RCM-TS", caseID: nil,
                payload: ["name": "rcm.example/ts", "root_keys": ["RCM-TS+4b9f5a2d+AWI2bvC0cHOOBlWZ9SwFSQLR79hlHDK/wWGVqZTkq5Li"]])),
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
            phrase: "a key revocation",
            example: .init(
                actor: "RCM-TS", caseID: nil,
                payload: [
                    "actor": "MX", "public_key": "MX+206b6c8c+AUTtk3fNgoJcz9nxnVL3uVH53DLAHzWmdwUEL0escGEN", "revoked_at": "2016-01-01T00:00:00Z",
                ])),

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
            phrase: "a withdrawal from the Agreement", example: .init(actor: "NI", caseID: nil, payload: ["effective": "2019-01-01"])),
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
            }, example: .init(actor: "MX", caseID: "MX-2015-0002", payload: ["request": "MX-ERASE-2018-004"])),
        EventSpec(
            .redacted, caseEvent: true, role: .requestingStateOrSecretariat,
            fields: [
                FieldSpec("event", .eventID, "the id of the event whose words are erased"),
                FieldSpec("fields", .list(.text), "the payload fields erased (`fields.summary` in a correction)"),
                FieldSpec("request", .text, "the erasure request reference"),
            ], source: "GCM 14(e)", summary: "The words of named free-text values are destroyed on every node; their commitments stay signed.",
            command: ("case", "redact"), afterClose: true, phrase: "an erasure of words",
            example: .init(
                actor: "MX", caseID: "MX-2015-0002",
                payload: ["event": "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51", "fields": ["summary"], "request": "MX-ERASE-2018-005"])),
        EventSpec(
            .corrected, caseEvent: true, role: .author,
            fields: [
                FieldSpec("event", .eventID, "the id of the event corrected"),
                FieldSpec("fields", .object, "the corrected payload fields and their new values; `occurred` corrects when the act happened"),
                FieldSpec("reason", .words, "why"),
            ], source: "-", summary: "The author corrects an earlier event; nothing is edited in place.", command: ("case", "correct"),
            afterClose: true, phrase: "a correction",
            example: .init(
                actor: "MX", caseID: "MX-2015-0002",
                payload: [
                    "event": "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51", "fields": ["location_city": "Liberia"], "reason": "the city was misrecorded",
                ])),
    ]

    static let byType: [EventType: EventSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.type, $0) })

    /// The row of `type` (every type has one; a test checks it).
    package static func spec(_ type: EventType) -> EventSpec { byType[type]! }

    /// The row of the type named `name`, or nil for a name the catalog does not know.
    package static func spec(named name: String) -> EventSpec? { byName[name] }

    static let byName: [String: EventSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.type.name, $0) })

    /// The rows that have an `amparo` command in `group` ("case", "network", "meeting"), in catalog order.
    package static func commands(in group: String) -> [EventSpec] { specs.filter { $0.command?.group == group } }
}
