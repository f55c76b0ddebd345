import Foundation
import Ledger

/// The event catalog: one table, the single definition of every event type's payload, who may
/// record it, which Article it serves, how it reads and what it changes. Validation, the fold,
/// the `amparo` commands and docs/events.md are all made from it.
package enum Catalog {
    static let money = [
        FieldSpec(.amount, "decimal amount, e.g. 1250.00"),
        FieldSpec(.currency, "ISO 4217 currency code"),
    ]

    package static let specs: [EventSpec] = [
        // Key events (the Ledger layer checks them; no Agreement state).
        EventSpec(
            .genesis, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec(.name, "the ledger's name"), FieldSpec(.rootKeys, "the Secretariat's root verifier keys"),
            ], source: "-", summary: "The ledger's first event: the Secretariat's root key(s) and the ledger's name.", command: nil,
            phrase: "the ledger's genesis",
            example: .init(
                actor: "RCM-TS", caseID: nil,
                payload: ["name": "rcm.example/ts", "root_keys": ["RCM-TS+4b9f5a2d+AWI2bvC0cHOOBlWZ9SwFSQLR79hlHDK/wWGVqZTkq5Li"]])),
        EventSpec(
            .keyRegistered, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec(.actor, "actor code the key signs for"), FieldSpec(.publicKey, "C2SP verifier key"),
                FieldSpec(.validFrom, required: false, "RFC 3339 time from which the key may sign"),
            ], source: "-", summary: "The Secretariat binds a public key to an actor from a time on.", command: nil,
            phrase: "a key registration"),
        EventSpec(
            .keyRevoked, caseEvent: false, role: .keyAuthority,
            fields: [
                FieldSpec(.actor, "actor code"), FieldSpec(.publicKey, "C2SP verifier key"),
                FieldSpec(.revokedAt, required: false, "RFC 3339 time from which the key is revoked"),
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
                FieldSpec(.date, "date the Vice-Ministers approved the Agreement"),
                FieldSpec(.textVersion, "version of the Agreement's text"),
            ], source: "Art. 9", summary: "The Agreement enters into force on its approval by the Vice-Ministers.", command: ("network", "in-force"),
            phrase: "the Agreement's entry into force"),
        EventSpec(
            .joinedAgreement, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec(.effective, "date from which the State is a Party")
            ], source: "Art. 7.2", summary: "A Member State decides to be a Party to the Agreement.", command: ("network", "join"),
            phrase: "a decision to be a Party"),
        EventSpec(
            .leftAgreement, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec(.effective, "date from which the State is no longer a Party")
            ], source: "Art. 7.2", summary: "A Member State stops being a Party.", command: ("network", "leave"),
            phrase: "a withdrawal from the Agreement", example: .init(actor: "NI", caseID: nil, payload: ["effective": "2019-01-01"])),
        EventSpec(
            .networkDeclared, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec(.offices, "every country (and cities) where the State has a diplomatic or consular office; replaces the previous list")
            ], source: "Art. 7.6, 7.3", summary: "A State declares its full current list of offices abroad.", command: ("network", "declare-offices"),
            phrase: "a declaration of its consular network",
            update: .network { f, n in
                n.offices[f.actor] = f[.offices] ?? [:]
            }),
        EventSpec(
            .focalPointDesignated, caseEvent: false, role: .memberState,
            fields: [
                FieldSpec(.office, "the office acting as focal point"), FieldSpec(.email, "its e-mail address"),
                FieldSpec(.telephone, "its telephone number"),
            ], source: "Art. 7.6, CN item 8", summary: "A State designates its focal point for the Network.", command: ("network", "focal-point"),
            phrase: "the designation of a focal point",
            update: .network { f, n in
                n.focalPoints[f.actor] = .init(
                    office: f[.office] ?? "", email: f[.email] ?? "",
                    telephone: f[.telephone] ?? "", since: f.occurred)
            }),
        EventSpec(
            .meetingScheduled, caseEvent: false, role: .secretariat,
            fields: [
                FieldSpec(.meeting, "meeting id: date and host city slug (`meeting schedule` makes it from --date and --city when omitted)"),
                FieldSpec(.date, "date of the meeting"),
                FieldSpec(.city, "host city"), FieldSpec(.country, "host country"),
            ], source: "Art. 7.7", summary: "The Secretariat schedules a meeting of the Liaison Officer Network.", command: ("meeting", "schedule"),
            phrase: "the scheduling of a meeting",
            update: .network { f, n in
                guard let id = f[.meeting] else { return }
                var m = n.meetings[id] ?? .init(id: id, date: f[.date]?.date ?? String(id.prefix(10)))
                m.date = f[.date]?.date ?? m.date
                m.city = f[.city]
                m.country = f[.country]
                m.scheduledSeq = f.seq
                n.meetings[id] = m
            }),
        EventSpec(
            .meetingHeld, caseEvent: false, role: .secretariat,
            fields: [
                FieldSpec(.meeting, "meeting id"), FieldSpec(.participants, "participating States"),
                FieldSpec(.observers, required: false, "observers (IOM, UNHCR, RNCOM…)"),
            ], source: "seeds 002, 004", summary: "The Secretariat records that a meeting was held and who took part.", command: ("meeting", "held"),
            phrase: "a meeting held",
            update: .network { f, n in
                guard let id = f[.meeting] else { return }
                var m = n.meetings[id] ?? .init(id: id, date: String(id.prefix(10)))
                m.held = true
                m.participants = f[.participants] ?? []
                m.observers = f[.observers] ?? []
                m.heldSeq = f.seq
                n.meetings[id] = m
            }),
        EventSpec(
            .reimbursementTermSet, caseEvent: false, role: .secretariat,
            fields: [
                FieldSpec(.months, "how many months a reimbursement claim has before it falls due"),
                FieldSpec(.source, "the decision that sets the term, as the Network adopted it (e.g. the minutes of the meeting that agreed it)"),
                FieldSpec(.effective, "the day from which claims fall under the term (a claim keeps the term in force on the day it was made)"),
            ], source: "Art. 8",
            summary:
                "The Secretariat records the term the Network set for reimbursement claims; until one is recorded, a claim has 12 months (the EU's practice, Directive (EU) 2015/637, Art. 14: the RCM's texts set none).",
            command: ("network", "reimbursement-term"),
            phrase: "the setting of the reimbursement term",
            example: .init(
                actor: "RCM-TS", caseID: nil,
                payload: ["months": 6, "source": "Minutes of the Network's meeting of 9 November 2015, item 4", "effective": "2016-03-01"])),

        // Case events.
        EventSpec(
            .requestFiled, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.subject, "random pseudonym of the migrant (never a name or a hash of personal data)"),
                FieldSpec(.locationCountry, "where the migrant is (any country)"),
                FieldSpec(.locationCity, "city where the migrant is"),
                FieldSpec(.category, "category of the situation (Art. 7.4): \(Codes.categories.joined(separator: ", "))"),
                FieldSpec(.perpetrator, "who violated the migrant's rights (Art. 7.4)"),
                FieldSpec(.channel, "who coordinates the request (Art. 7.5)"),
                FieldSpec(.exceptionReason, required: false, "why local authorities are contacted directly (Art. 7.5)"),
                FieldSpec(.protectionRequired, "the consular protection required"),
                FieldSpec(.sex, required: false, "disaggregation: sex"),
                FieldSpec(.ageGroup, required: false, "disaggregation: age group"),
                FieldSpec(.unaccompaniedChild, required: false, "disaggregation: unaccompanied or separated child"),
                FieldSpec(.disability, required: false, "disaggregation: disability"),
            ], source: "Art. 7.1-7.5", summary: "The State of nationality files a request for protection of its national.", command: ("case", "file"),
            phrase: "a request",
            update: .caseState { f, s, _ in
                guard s.filed == nil else { return }
                s.filed = f.occurred
                s.filedEvent = f.id
                s.subject = f[.subject]
                s.locationCountry = f[.locationCountry]
                s.locationCity = f[.locationCity]
                s.category = f[.category]
                s.perpetrator = f[.perpetrator]
                s.channel = f[.channel]
                s.protectionRequired = f[.protectionRequired]
                for key in ["sex", "age_group", "unaccompanied_child", "disability"] { s.indicators[key] = f.payload[key] }
            }),
        EventSpec(
            .secretariatNotified, caseEvent: true, role: .secretariat,
            fields: [
                FieldSpec(.acknowledgement, "the Secretariat's acknowledgement reference")
            ], source: "Art. 5", summary: "The Secretariat acknowledges the notification of the request.", command: ("case", "notify"),
            phrase: "an acknowledgement",
            update: .caseState { f, s, _ in
                s.notified = s.notified ?? f.occurred
                s.advance(to: .notified)
            }),
        EventSpec(
            .circulated, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.focalPoints, "the States whose focal points were addressed")
            ], source: "Art. 7.6", summary: "The requesting State circulates the case to the focal points.", command: ("case", "circulate"),
            phrase: "a circulation to focal points",
            update: .caseState { f, s, _ in
                s.circulated = s.circulated ?? f.occurred
                s.advance(to: .circulated)
            }),
        EventSpec(
            .collaborationOffered, caseEvent: true, role: .otherMemberState,
            fields: [
                FieldSpec(.offer, "what the State can do, and how")
            ], source: "Art. 3, 7.6", summary: "A Party with an office in the location country offers to help.", command: ("case", "offer"),
            phrase: "an offer of collaboration",
            update: .caseState { f, s, _ in
                s.offers[f.actor] = s.offers[f.actor] ?? f.occurred
                s.advance(to: .offers)
            }),
        EventSpec(
            .collaborationDeclined, caseEvent: true, role: .otherMemberState,
            fields: [
                FieldSpec(.reason, required: false, "why")
            ], source: "Art. 3, 7.6", summary: "A Party declines to collaborate.", command: ("case", "decline"),
            phrase: "a refusal to collaborate",
            update: .caseState { f, s, _ in
                s.declines[f.actor] = f.occurred
            }),
        EventSpec(
            .assistingStateSelected, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.state, "the Party chosen to assist")
            ], source: "Art. 5 ¶2", summary: "The requesting State establishes which Party is approached.", command: ("case", "select"),
            phrase: "the selection of an assisting State",
            update: .caseState { f, s, _ in
                s.selected = f[.state]
                s.selectedAt = f.occurred
                s.advance(to: .assistingSelected)
            }),
        EventSpec(
            .formalRequestSent, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.to, "the State asked for assistance"), FieldSpec(.note, "verbal note reference"),
                FieldSpec(.mission, "the consular mission addressed"),
            ], source: "Art. 6", summary: "The requesting State sends a formal request note to the consular mission.", command: ("case", "request"),
            phrase: "a formal request note",
            update: .caseState { f, s, _ in
                if let to = f[.to] { s.formalRequests[to] = s.formalRequests[to] ?? f.occurred }
                s.advance(to: .formallyRequested)
            }),
        EventSpec(
            .scopeAgreed, caseEvent: true, role: .assistingState,
            fields: [
                FieldSpec(.requestNote, "the requesting State's note reference"),
                FieldSpec(.replyNote, "the assisting State's note reference"),
                FieldSpec(.scope, "the action kinds agreed"),
                FieldSpec(.procedures, "the procedures agreed"),
            ], source: "Art. 5 ¶1", summary: "The assisting State agrees scope and procedures by verbal notes.", command: ("case", "agree"),
            phrase: "an agreement on scope",
            update: .caseState { f, s, _ in
                s.scope[f.actor] = Set(f[.scope] ?? [])
                s.scopeAgreedAt = s.scopeAgreedAt ?? f.occurred
                s.advance(to: .scopeAgreed)
            }),
        EventSpec(
            .protectionActionRecorded, caseEvent: true, role: .assistingState,
            fields: [
                FieldSpec(.kind, "the action taken"), FieldSpec(.details, "what was done (no personal data)"),
            ], source: "Art. 4", summary: "The assisting State records an act of protection.", command: ("case", "act"),
            wording: { f in Codes.actionPhrase(f[.kind] ?? "") },
            update: .caseState { f, s, _ in
                s.actions.append((f.actor, f[.kind] ?? "", f.occurred))
                s.advance(to: .inProtection)
            }),
        EventSpec(
            .costRecorded, caseEvent: true, role: .iomOrRequestingState,
            fields: [FieldSpec(.payer, "who bears the cost")] + money + [FieldSpec(.purpose, "what for")],
            source: "Art. 8", summary: "A cost of the case and who bears it.", command: ("case", "cost"), afterClose: true,
            phrase: "a cost",
            update: .caseState { f, s, _ in
                s.costs.append((f[.payer] ?? "", f[.amount] ?? "0", f[.currency] ?? "", f.occurred))
            }),
        EventSpec(
            .reimbursementClaimed, caseEvent: true, role: .assistingState,
            fields: [FieldSpec(.from, "who is asked to reimburse (the State of nationality or IOM)")] + money
                + [FieldSpec(.purpose, "what was advanced")],
            source: "Art. 8",
            summary:
                "The assisting State claims what it advanced; due within the term the Network set (network.reimbursement_term_set), 12 months until it sets one (practice, not the Agreement's text).",
            command: ("case", "claim"), afterClose: true, phrase: "a reimbursement claim",
            update: .caseState { f, s, _ in
                s.claims[f.id] = CaseState.Claim(
                    from: f[.from] ?? "", claimant: f.actor, amount: f[.amount] ?? "0",
                    currency: f[.currency] ?? "", at: f.occurred)
            }),
        EventSpec(
            .reimbursed, caseEvent: true, role: .iomOrRequestingState,
            fields: [FieldSpec(.claim, "the id of the reimbursement claim settled")] + money,
            source: "Art. 8", summary: "A claim is settled.", command: ("case", "reimburse"), afterClose: true,
            phrase: "a reimbursement",
            update: .caseState { f, s, _ in
                if let claim = f[.claim], s.claims[claim] != nil {
                    s.claims[claim]!.settled = f.occurred
                }
            }),
        EventSpec(
            .concluded, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.outcome, "how the case ended"), FieldSpec(.summary, "summary (no personal data)"),
            ], source: "Art. 3, 7.7", summary: "The requesting State concludes the case.", command: ("case", "conclude"),
            phrase: "a conclusion",
            update: .caseState { f, s, _ in
                if s.concluded == nil {
                    s.concluded = f.occurred
                    s.concludedEvent = f.id
                    s.concludedSeq = f.seq
                    s.outcome = f[.outcome]
                    s.summary = f[.summary]
                }
                s.advance(to: .concluded)
            }),
        EventSpec(
            .withdrawn, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.reason, "why the request is withdrawn")
            ], source: "-", summary: "The requesting State withdraws the request.", command: ("case", "withdraw"),
            phrase: "a withdrawal",
            update: .caseState { f, s, _ in
                s.withdrawn = s.withdrawn ?? f.occurred
                s.status = .withdrawn
            }),
        EventSpec(
            .presentedAtMeeting, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.meeting, "the Network meeting"),
                FieldSpec(
                    .nature, required: false,
                    "the nature of the situation in the officer's words (the report states the category and country the ledger holds first)"),
                FieldSpec(.protectionRequired, required: false, "the consular protection required in the officer's words (after the scope agreed)"),
                FieldSpec(.protectionProvided, required: false, "the consular protection provided in the officer's words (after the acts recorded)"),
                FieldSpec(.providedBy, required: false, "the State that provided it (default: the assisting State)"),
                FieldSpec(.lessons, "lessons learned"),
            ], source: "Art. 7.7, CN item 9", summary: "The requesting State presents the case and its conclusion at a Network meeting.",
            command: ("case", "present"), afterClose: true, phrase: "a presentation at a meeting",
            update: .caseState { f, s, _ in
                // A meeting the ledger does not know is LIFECYCLE's (the write path refuses it); Art. 7.7
                // counts only presentations at meetings the ledger knows. A presentation dated before
                // its meeting's day is LIFECYCLE's too, and is no presentation: it is not counted.
                if let meeting = f[.meeting], f.day < MeetingID.day(meeting) { return }
                s.presentations.append(
                    (
                        f[.meeting] ?? "", f.occurred, f[.protectionProvided] ?? "",
                        f[.providedBy] ?? "", f[.nature] ?? "", f[.protectionRequired] ?? "",
                        f[.lessons] ?? ""
                    ))
                if s.concluded != nil { s.advance(to: .presented) }
            }),
        EventSpec(
            .personalDataErased, caseEvent: true, role: .requestingState,
            fields: [
                FieldSpec(.request, "the erasure request reference")
            ], source: "GCM 14(e)", summary: "The off-ledger personal data of the case and its key were destroyed.", command: ("person", "erase"),
            afterClose: true, phrase: "an erasure of personal data",
            update: .caseState { f, s, _ in
                s.erased = f.occurred
            }, example: .init(actor: "MX", caseID: "MX-2015-0002", payload: ["request": "MX-ERASE-2018-004"])),
        EventSpec(
            .redacted, caseEvent: true, role: .requestingStateOrSecretariat,
            fields: [
                FieldSpec(.event, "the id of the event whose words are erased"),
                FieldSpec(.redactedFields, "the payload fields erased (`fields.summary` in a correction)"),
                FieldSpec(.request, "the erasure request reference"),
            ], source: "GCM 14(e)", summary: "The words of named free-text values are destroyed on every node; their commitments stay signed.",
            command: ("case", "redact"), afterClose: true, phrase: "an erasure of words",
            example: .init(
                actor: "MX", caseID: "MX-2015-0002",
                payload: ["event": "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51", "fields": ["summary"], "request": "MX-ERASE-2018-005"])),
        EventSpec(
            .corrected, caseEvent: true, role: .author,
            fields: [
                FieldSpec(.event, "the id of the event corrected"),
                FieldSpec(.correctedFields, "the corrected payload fields and their new values; `occurred` corrects when the act happened"),
                FieldSpec(.reason, "why"),
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
