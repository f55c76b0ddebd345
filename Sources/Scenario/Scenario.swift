import Agreement
import Foundation
import Ledger

/// A realistic, deterministic scenario of the mechanism: the 11 Member States and their dates,
/// consular networks, focal points, the Network's meetings (Managua 2014-11-24 and Mexico City
/// 2015-11-09 from the seeds, then twice a year), and protection cases across all categories,
/// outcomes and States, signed with test-only keys. Some cases carry a planted breach; the
/// generator says which (rule, event) each one must produce.
///
/// The same `cases` and `seed` always give the same bytes.
package struct ScenarioGenerator {
    package let cases: Int
    package let seed: UInt64

    package init(cases: Int, seed: UInt64 = 2015) {
        self.cases = cases
        self.seed = seed
    }

    /// A breach the scenario plants: the rule and the event it must be reported on.
    package struct Expected: Hashable, Sendable, Comparable {
        package let rule: RuleID
        package let event: String
        package let caseID: String
        package static func < (a: Expected, b: Expected) -> Bool {
            (a.caseID, a.event, a.rule.rawValue) < (b.caseID, b.event, b.rule.rawValue)
        }
    }

    // MARK: Facts of the Network (shared/docs and the seeds)

    static let capitals: [String: String] = [
        "BZ": "Belmopan", "CA": "Ottawa", "CR": "San José", "DO": "Santo Domingo", "SV": "San Salvador", "GT": "Guatemala City",
        "HN": "Tegucigalpa", "MX": "Mexico City", "NI": "Managua", "PA": "Panama City", "US": "Washington",
        "ES": "Madrid", "IT": "Rome", "JP": "Tokyo", "KR": "Seoul", "TT": "Port of Spain", "IN": "New Delhi",
    ]
    static let outside = ["ES", "IT", "JP", "KR", "TT", "IN"]

    /// Where each State has a diplomatic or consular office (domain facts; outside the region too).
    package static let offices: [String: [String]] = {
        let all = Codes.memberStates
        func except(_ s: String, _ xs: [String]) -> [String] { all.filter { $0 != s && !xs.contains($0) } }
        return [
            "MX": except("MX", []) + ["ES", "IT", "JP", "KR"], "PA": except("PA", []) + ["ES"], "SV": except("SV", []) + ["ES", "IT"],
            "US": except("US", []) + ["ES", "IT", "JP", "KR", "IN"], "CR": except("CR", ["BZ"]) + ["ES", "KR"],
            "CA": except("CA", ["BZ", "HN", "NI"]) + ["ES", "IT", "JP", "KR", "IN", "TT"],
            "BZ": ["GT", "MX", "US"], "GT": ["CA", "CR", "MX", "US"],
            "DO": ["CA", "CR", "MX", "PA", "US"], "HN": ["CA", "CR", "MX", "PA", "US"], "NI": ["CA", "CR", "MX", "PA", "US"],
        ]
    }()

    /// When each State became a Party.
    static let joined: [String: String] = [
        "BZ": "2015-03-01", "CA": "2014-07-01", "CR": "2014-07-01", "DO": "2014-07-01", "SV": "2014-07-01", "GT": "2014-07-01",
        "HN": "2014-07-01", "MX": "2014-07-01", "NI": "2014-09-01", "PA": "2014-07-01", "US": "2014-07-01",
    ]

    /// The Network's meetings: the two of the seeds, then twice a year.
    package static let meetings: [(date: String, city: String, country: String, participants: [String])] = {
        let seedParticipants = ["CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]
        var m: [(String, String, String, [String])] = [
            ("2014-11-24", "Managua", "NI", seedParticipants), ("2015-11-09", "Mexico City", "MX", seedParticipants),
        ]
        let later: [(String, String, String)] = [
            ("2016-05-16", "Guatemala City", "GT"), ("2016-11-14", "Panama City", "PA"), ("2017-05-15", "San Salvador", "SV"),
            ("2017-11-13", "Tegucigalpa", "HN"), ("2018-05-14", "San José", "CR"), ("2018-11-12", "Santo Domingo", "DO"),
        ]
        for (d, c, k) in later { m.append((d, c, k, Codes.memberStates)) }
        return m
    }()

    // MARK: Generation

    /// Calls `emit` with every signed event in recording order, and returns the planted breaches.
    /// (The words of their free text are left out: ``generateWithWords(_:)`` gives them too.)
    @discardableResult
    package func generate(_ emit: (SignedEvent) throws -> Void) throws -> [Expected] {
        try generateWithWords { event, _ in try emit(event) }
    }

    /// Calls `emit` with every signed event in recording order and the words of its free text
    /// (their salts derived from the seed, the event and the field: the same bytes every time),
    /// and returns the planted breaches.
    @discardableResult
    package func generateWithWords(_ emit: (SignedEvent, [WordsPart]) throws -> Void) throws -> [Expected] {
        var rng = Random(seed: seed)
        var counter: UInt64 = 0
        var words: [EventID: [WordsPart]] = [:]
        func event(_ type: EventType, _ actor: String, case caseID: String? = nil, _ when: String, _ payload: [String: JSONValue]) -> SignedEvent {
            counter += 1
            let occurred = Timestamp(parsing: when)!.adding(seconds: Int64(counter % 3600))
            // Deterministic UUIDv7: the act's time, then a counter and the seed instead of random bits.
            var bytes = [UInt8](bigEndian: UInt64(occurred.milliseconds) << 16).prefix(6) + [0x70, 0]
            bytes += [UInt8](bigEndian: 0x8000_0000_0000_0000 | (seed << 32) | counter)
            let id = EventID(bytes: Array(bytes))!
            let draft = Draft(id: id, type: type.name, caseID: caseID, occurred: occurred, payload: payload)
            let sealed = Catalog.seal(draft) { id, field in
                var h = SHA256Context()
                h.update(Array("amparo scenario salt".utf8) + [UInt8](bigEndian: seed) + id.bytes + Array(field.utf8))
                return h.finish()
            }
            if !sealed.words.isEmpty { words[id] = sealed.words }
            return sealed.draft.envelope(actor: actor).signed(by: ScenarioKeys.key(actor))
        }
        func emitting(_ e: SignedEvent) throws { try emit(e, words.removeValue(forKey: e.id) ?? []) }

        // Keys (registered in 2014 by the Secretariat, valid from 2014-01-01), then the Network.
        var network: [SignedEvent] = []
        for actor in Codes.memberStates + [Codes.iom] {
            network.append(
                event(
                    .keyRegistered, Codes.secretariat, "2014-06-01",
                    [
                        "actor": .string(actor), "public_key": .string(ScenarioKeys.key(actor).verifierKey.description),
                        "valid_from": "2014-01-01T00:00:00Z",
                    ]))
        }
        network.append(event(.enteredIntoForce, Codes.secretariat, "2014-06-27", ["date": "2014-06-27", "text_version": "RCM draft 2014"]))
        for s in Codes.memberStates {
            network.append(event(.joinedAgreement, s, ScenarioGenerator.joined[s]!, ["effective": .string(ScenarioGenerator.joined[s]!)]))
            let list: [JSONValue] = ScenarioGenerator.offices[s]!.map { c in
                ["country": .string(c), "cities": [.string(ScenarioGenerator.capitals[c] ?? c)]]
            }
            network.append(event(.networkDeclared, s, ScenarioGenerator.joined[s]!, ["offices": .array(list)]))
            network.append(
                event(
                    .focalPointDesignated, s, "2014-07-15",
                    [
                        "office": .string("Consular Directorate of \(Codes.name(s))"), "email": .string("focal.\(s.lowercased())@mfa.example"),
                        "telephone": .string("+000 \(s) 0100"),
                    ]))
        }
        for m in ScenarioGenerator.meetings {
            let id = MeetingID.make(date: m.date, city: m.city)
            network.append(
                event(
                    .meetingScheduled, Codes.secretariat, shift(m.date, days: -120),
                    [
                        "meeting": .string(id), "date": .string(m.date), "city": .string(m.city), "country": .string(m.country),
                    ]))
            network.append(
                event(
                    .meetingHeld, Codes.secretariat, m.date,
                    [
                        "meeting": .string(id), "participants": .array(m.participants.map(JSONValue.string)), "observers": ["IOM", "UNHCR", "RNCOM"],
                    ]))
        }

        func nextMeeting(after day: String) -> (date: String, city: String, country: String, participants: [String])? {
            ScenarioGenerator.meetings.first { $0.date > day }
        }
        func present(
            _ meeting: (date: String, city: String, country: String, participants: [String]), requesting: String,
            caseID: String, category: String, location: String, provided: String, by: String, lesson: Int
        ) -> SignedEvent {
            event(
                .presentedAtMeeting, requesting, case: caseID, meeting.date,
                [
                    "meeting": .string(MeetingID.make(date: meeting.date, city: meeting.city)),
                    "nature": .string(ProtectionText.nature(category, location)),
                    "protection_required": .string(ProtectionText.required(category)),
                    "protection_provided": .string(provided), "provided_by": .string(by), "lessons": .string(ProtectionText.lesson(lesson)),
                ])
        }

        // Cases.
        var caseEvents: [SignedEvent] = []
        var expected: [Expected] = []
        var serials: [String: Int] = [:]
        let parties = Codes.memberStates
        let plants: [RuleID] = [
            .scope, .priorRequest, .costs, .secretariat, .presentation,
            .channel, .lifecycle, .authority, .unrepresented,
        ]
        let lastMeeting = ScenarioGenerator.meetings.last!.date
        for i in 0..<cases {
            // The requesting State and a place where it has no office but another Party has.
            var requesting = rng.pick(parties)
            if requesting == "BZ" && i % 3 != 0 { requesting = rng.pick(["MX", "GT", "HN", "SV", "NI"]) }  // fewer Belizean cases
            let candidates = (Codes.memberStates + ScenarioGenerator.outside).filter { c in
                c != requesting && !ScenarioGenerator.offices[requesting]!.contains(c)
                    && parties.contains { a in a != requesting && a != c && ScenarioGenerator.offices[a]!.contains(c) }
            }
            guard !candidates.isEmpty else { continue }
            let plant: RuleID? = i % 4 == 3 ? plants[(i / 4) % plants.count] : nil
            var location = rng.pick(candidates)
            if plant == .unrepresented {
                location = rng.pick(
                    ScenarioGenerator.offices[requesting]!.filter { c in
                        parties.contains { a in a != requesting && a != c && ScenarioGenerator.offices[a]!.contains(c) }
                    })
            }
            let assistants = parties.filter { $0 != requesting && $0 != location && ScenarioGenerator.offices[$0]!.contains(location) }
            let assisting = rng.pick(assistants)
            // Filed between 20 days after the later joining date (after the focal points, 2014-07-15) and eight months before the last meeting.
            let start = max(ScenarioGenerator.joined[requesting]!, ScenarioGenerator.joined[assisting]!)
            let filedDay = shift(start, days: 20 + Int(rng.next() % UInt64(max(30, days(from: start, to: shift(lastMeeting, days: -240))))))
            let year = String(filedDay.prefix(4))
            let key = "\(requesting)-\(year)"
            serials[key, default: 0] += 1
            let caseID = "\(key)-\(String(format: "%04d", serials[key]!))"
            let category = Codes.categories[Int(rng.next() % 5)]
            var outcome = ["protected", "protected", "protected", "referred", "declined_by_migrant"][Int(rng.next() % 5)]
            let kinds = Array(Set([rng.pick(Codes.actionKinds), rng.pick(Codes.actionKinds), "consular_visit"])).sorted()
            var d = filedDay
            func next(_ n: Int) -> String {
                d = shift(d, days: n)
                return d
            }
            var evs: [SignedEvent] = []
            let channelLocal = plant == .channel
            var filing: [String: JSONValue] = [
                "subject": .string("p-" + String(format: "%06x", rng.next() % 0xFFFFFF)), "location_country": .string(location),
                "location_city": .string(ScenarioGenerator.capitals[location] ?? location), "category": .string(category),
                "perpetrator": "civilian", "channel": channelLocal ? "local_authorities" : "consular_directorate",
                "protection_required": .string(ProtectionText.required(category)),
                "sex": .string(rng.pick(["female", "male"])),
                "age_group": .string(category == "child_or_adolescent" ? rng.pick(["0-11", "12-17"]) : rng.pick(["18-59", "60+"])),
            ]
            if category == "child_or_adolescent" { filing["unaccompanied_child"] = .bool(rng.next() % 2 == 0) }
            evs.append(event(.requestFiled, requesting, case: caseID, d, filing))
            if plant == .channel || plant == .unrepresented {
                expected.append(.init(rule: plant!, event: evs.last!.id.description, caseID: caseID))
            }
            if plant != .secretariat {
                evs.append(event(.secretariatNotified, Codes.secretariat, case: caseID, next(1), ["acknowledgement": .string("TS-\(caseID)")]))
            }
            let circulator = plant == .authority ? assisting : requesting
            evs.append(event(.circulated, circulator, case: caseID, next(1), ["focal_points": .array(assistants.map(JSONValue.string))]))
            if plant == .authority { expected.append(.init(rule: .authority, event: evs.last!.id.description, caseID: caseID)) }
            // Early ends: no collaborating State, or the mechanism does not apply.
            if i % 11 == 4 && plant == nil {
                for other in assistants.prefix(2) {
                    evs.append(event(.collaborationDeclined, other, case: caseID, next(2), ["reason": "no capacity in that jurisdiction"]))
                }
                evs.append(
                    event(
                        .concluded, requesting, case: caseID, next(3),
                        [
                            "outcome": "no_collaborating_state", "summary": "no Party could collaborate in that jurisdiction",
                        ]))
                if let meeting = nextMeeting(after: d) {
                    evs.append(
                        present(
                            meeting, requesting: requesting, caseID: caseID, category: category, location: location,
                            provided: "none: no Party could collaborate", by: requesting, lesson: 3))
                }
                caseEvents += evs
                continue
            }
            if i % 13 == 7 && plant == nil {
                evs.append(event(.withdrawn, requesting, case: caseID, next(4), ["reason": "the national returned on their own"]))
                caseEvents += evs
                continue
            }
            evs.append(
                event(
                    .collaborationOffered, assisting, case: caseID, next(1),
                    ["offer": .string("visit by our office in \(ScenarioGenerator.capitals[location] ?? location)")]))
            evs.append(event(.assistingStateSelected, requesting, case: caseID, next(1), ["state": .string(assisting)]))
            let requestNote = "\(requesting)-NV-\(year)-\(100 + i)"
            let formal = event(
                .formalRequestSent, requesting, case: caseID, next(1),
                [
                    "to": .string(assisting), "note": .string(requestNote),
                    "mission": .string("Embassy of \(Codes.name(assisting)) in \(ScenarioGenerator.capitals[location] ?? location)"),
                ])
            if plant != .priorRequest { evs.append(formal) }
            evs.append(
                event(
                    .scopeAgreed, assisting, case: caseID, next(2),
                    [
                        "request_note": .string(requestNote), "reply_note": .string("\(assisting)-NV-\(year)-\(200 + i)"),
                        "scope": .array(kinds.map(JSONValue.string)), "procedures": "weekly reports to the focal point",
                    ]))
            let actionCount = 1 + Int(rng.next() % 3)
            for k in 0..<actionCount {
                var kind = kinds[k % kinds.count]
                if plant == .scope && k == 0 { kind = Codes.actionKinds.first { !kinds.contains($0) }! }
                evs.append(
                    event(
                        .protectionActionRecorded, assisting, case: caseID, next(2 + k),
                        [
                            "kind": .string(kind), "details": .string(ProtectionText.action(kind)),
                        ]))
                if plant == .scope && k == 0 || plant == .priorRequest && k == 0 {
                    expected.append(.init(rule: plant!, event: evs.last!.id.description, caseID: caseID))
                }
                if plant == .priorRequest && k == 0 {
                    // The note is sent only after the first act (it keeps its own, earlier id).
                    evs.append(
                        event(
                            .formalRequestSent, requesting, case: caseID, next(1),
                            [
                                "to": .string(assisting), "note": .string(requestNote), "mission": .string("Embassy of \(Codes.name(assisting))"),
                            ]))
                }
            }
            let costPayer = plant == .costs ? assisting : (i % 2 == 0 ? Codes.iom : requesting)
            evs.append(
                event(
                    .costRecorded, costPayer == Codes.iom ? Codes.iom : requesting, case: caseID, next(3),
                    [
                        "payer": .string(costPayer), "amount": .string("\(150 + Int(rng.next() % 900)).00"), "currency": "USD",
                        "purpose": "transport and accommodation",
                    ]))
            if plant == .costs { expected.append(.init(rule: .costs, event: evs.last!.id.description, caseID: caseID)) }
            if i % 4 == 1 {
                let claim = event(
                    .reimbursementClaimed, assisting, case: caseID, next(5),
                    [
                        "from": .string(requesting), "amount": "420.00", "currency": "USD", "purpose": "shelter nights advanced",
                    ])
                evs.append(claim)
                if i % 8 == 1 {
                    evs.append(
                        event(.reimbursed, requesting, case: caseID, next(60), ["claim": .string(claim.id.description), "amount": "420.00", "currency": "USD"]))
                }
            }
            // Some cases stay open at the end of the scenario.
            if i % 9 == 8 && plant == nil {
                caseEvents += evs
                continue
            }
            if i % 10 == 3 { outcome = "referred" }
            evs.append(
                event(
                    .concluded, requesting, case: caseID, next(10 + Int(rng.next() % 40)),
                    [
                        "outcome": .string(outcome), "summary": .string(ProtectionText.summary(outcome)),
                    ]))
            let concluded = evs.last!
            if plant == .secretariat {
                // Art. 5 ¶1: the Secretariat was never notified; the conclusion is the breach.
                expected.append(.init(rule: .secretariat, event: concluded.id.description, caseID: caseID))
            }
            if plant == .lifecycle {
                evs.append(
                    event(
                        .protectionActionRecorded, assisting, case: caseID, next(3),
                        ["kind": "consular_visit", "details": "follow-up visit after the case was closed"]))
                expected.append(.init(rule: .lifecycle, event: evs.last!.id.description, caseID: caseID))
            }
            if let meeting = nextMeeting(after: concluded.envelope.occurred.date) {
                if plant == .presentation {
                    expected.append(.init(rule: .presentation, event: concluded.id.description, caseID: caseID))
                } else {
                    evs.append(
                        present(
                            meeting, requesting: requesting, caseID: caseID, category: category, location: location,
                            provided: kinds.map(Codes.actionPhrase).joined(separator: ", "), by: assisting,
                            lesson: Int(rng.next() % 6)))
                }
            }
            caseEvents += evs
        }
        // Recording order: the Network first, then the cases' acts as they happened.
        for e in network { try emitting(e) }
        for e in caseEvents.sorted(by: { ($0.envelope.occurred, $0.id) < ($1.envelope.occurred, $1.id) }) { try emitting(e) }
        return expected.sorted()
    }

    // MARK: Dates

    static func day(_ text: String) -> Int64 { Timestamp(parsing: text)!.seconds / 86400 }
    func shift(_ date: String, days n: Int) -> String { Timestamp(seconds: (ScenarioGenerator.day(date) + Int64(n)) * 86400).date }
    func days(from a: String, to b: String) -> Int { Int(ScenarioGenerator.day(b) - ScenarioGenerator.day(a)) }

    typealias Random = SeededRandom
}
