import Ledger
import PropertyBased
import Testing

@testable import Agreement

/// Random acts around a small network: plausible types, actors, cases and dates, some lawful and
/// many not; with `malformed`, also unknown types and broken payloads.
struct ActGenerator {
    var rng: SeededRandom
    let malformed: Bool
    static let actors = ["MX", "US", "CR", "RCM-TS", "IOM", "CO"]
    static let cases = ["MX-2015-0001", "MX-2015-0002", "CR-2015-0001"]

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    mutating func day() -> String {
        let month = 1 + Int(rng.next() % 12)
        let d = 1 + Int(rng.next() % 28)
        return "2015-\(month < 10 ? "0" : "")\(month)-\(d < 10 ? "0" : "")\(d)"
    }

    mutating func fact(_ seq: UInt64) -> Fact {
        var types = Catalog.specs.filter { !$0.type.isKeyEvent }.map(\.name)
        if malformed { types += ["case.unknown_act", "nonsense.event"] }
        let type = pick(types)
        let spec = Catalog.spec(named: type)
        let caseID = spec?.isCaseEvent == false ? nil : pick(ActGenerator.cases)
        var actor = pick(ActGenerator.actors)
        if let caseID, type == "case.request_filed" || rng.next() % 3 == 0 { actor = CaseID(caseID)!.state }
        var payload: [String: JSONValue] = [:]
        for field in spec?.fields ?? [] where field.required || rng.next() % 2 == 0 {
            payload[field.name] = value(field.kind)
        }
        if malformed && rng.next() % 4 == 0 { payload["surprise"] = .number(1.5) }
        if malformed && rng.next() % 4 == 0, let k = payload.keys.first { payload[k] = .null }
        let occurred = Timestamp(parsing: day())!.adding(seconds: Int64(rng.next() % 86400))
        return Fact(
            seq: seq, recorded: occurred.adding(seconds: 86400),
            envelope: Envelope(id: .v7(), type: type, caseID: caseID, actor: actor, occurred: occurred, payload: payload))
    }

    mutating func value(_ kind: FieldKind) -> JSONValue {
        switch kind {
        case .text: return "text"
        case .words: return .string(Words.commitment(salt: Words.newSalt(), text: "text"))
        case .choice(let words): return .string(pick(words))
        case .word: return .string(pick(Codes.categories + ["trafficking"]))
        case .state: return .string(pick(["MX", "US", "CR"]))
        case .actor: return .string(pick(["MX", "US", "CR", "IOM"]))
        case .country: return .string(pick(["BS", "ES", "CR", "US", "MX"]))
        case .date: return .string(day())
        case .months: return .number(Double(rng.next() % 60 + 1))
        case .amount: return "100.00"
        case .currency: return "USD"
        case .bool: return .bool(rng.next() % 2 == 0)
        case .eventID: return .string(EventID.v7().description)
        case .meetingID: return .string(pick(["2015-06-01-managua", "2015-11-09-mexico-city"]))
        case .list(let inner): return .array([value(inner), value(inner)])
        case .offices: return .array([["country": .string(pick(["BS", "ES", "CR", "US", "MX"]))]])
        case .object: return ["kind": "consular_visit"]
        case .pseudonym: return .string(pick(["p-7f3a9c", "p-0123456789ab"]))
        }
    }
}

extension History {
    /// Three of Mexico's cases built from the lawful lifecycle with random bends (a step skipped,
    /// another State chosen, an act out of scope, a cost borne by the wrong State, a date moved),
    /// returned in a random recording order.
    static func bentLifecycles(seed: UInt64) -> [Fact] {
        var rng = SeededRandom(seed: seed)
        func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        var h = History()
        for k in 1...3 {
            var o = CaseOptions()
            o.caseID = "MX-2015-000\(k)"
            o.notify = chance(85)
            o.requestTo = chance(85) ? "US" : (chance(50) ? nil : "CR")
            o.selected = chance(85) ? "US" : "CR"
            o.kind = chance(80) ? "consular_visit" : "shelter_referral"
            o.payer = chance(85) ? "IOM" : (chance(50) ? "MX" : "CR")
            o.perpetrator = chance(90) ? "civilian" : "state_authority"
            o.actAfterConclusion = chance(15)
            o.present = chance(80)
            h.lawfulCase(o)
        }
        var facts = h.facts.map { f -> Fact in
            guard chance(15) else { return f }
            let shifted = f.occurred.adding(seconds: Int64(rng.next() % 40) * 86400 - 20 * 86400)
            return Fact(
                seq: f.seq, recorded: shifted.adding(seconds: 86400 * 400),
                envelope: Envelope(id: f.id, type: f.type, caseID: f.caseID, actor: f.actor, occurred: shifted, payload: f.payload))
        }
        facts.shuffle(using: &rng)
        return facts.enumerated().map { i, f in
            Fact(
                seq: UInt64(1000 + i), recorded: f.recorded,
                envelope: Envelope(id: f.id, type: f.type, caseID: f.caseID, actor: f.actor, occurred: f.occurred, payload: f.payload))
        }
    }
}

@Suite("Properties of the fold over random sequences")
struct PropertyTests {
    static let seeds: [UInt64] = Array(1...40)

    @Test("the verifier never crashes, on well-formed or malformed random sequences", arguments: seeds)
    func neverCrashes(seed: UInt64) {
        var gen = ActGenerator(rng: SeededRandom(seed: seed), malformed: true)
        let facts = (1...80).map { gen.fact(UInt64($0)) }
        let (_, breaches) = Agreement.fold(facts)
        // Every breach names a rule of the catalog and an event of the sequence, or none.
        let ids = Set(facts.map { $0.id.description })
        #expect(breaches.allSatisfy { b in Rules.rule(b.rule) != nil && (b.event.map(ids.contains) ?? true) })
    }

    @Test("any sequence the write path accepts verifies clean (but for omissions a later record cures: presentation, acknowledgement)", arguments: seeds)
    func acceptedVerifiesClean(seed: UInt64) {
        var gen = ActGenerator(rng: SeededRandom(seed: seed), malformed: false)
        var accepted = History.network().facts
        let base = accepted.count
        // Bent lawful lifecycles in random order, mixed with random acts.
        let offered = History.bentLifecycles(seed: seed) + (0..<30).map { gen.fact(UInt64(2000 + $0)) }
        for f in offered {
            if Agreement.newBreaches(existing: accepted, adding: [f]).isEmpty { accepted.append(f) }
        }
        let breaches = Agreement.fold(accepted).1.filter { RuleID(id: $0.rule)?.isCuredByLaterRecord != true }
        #expect(breaches.isEmpty, "seed \(seed): \(breaches.map(\.message))")
        #expect(accepted.count > base + 5, "seed \(seed): the write path accepted only \(accepted.count - base) acts")
    }

    @Test(
        "recording with --record-violations, then verifying, reports every breach the write path refused but those a dated fact recorded later lifts",
        arguments: seeds)
    func recordedViolationsAreReported(seed: UInt64) {
        var gen = ActGenerator(rng: SeededRandom(seed: seed), malformed: false)
        // Acts recorded in the order they happened (as a migration of historic records would).
        let acts = Agreement.ordered(History.bentLifecycles(seed: seed) + (0..<20).map { gen.fact(UInt64(2000 + $0)) })
        var recorded = History.network().facts
        var refused: [String] = []
        for f in acts {
            refused += Agreement.newBreaches(existing: recorded, adding: [f]).map { "\($0.rule) \($0.event ?? "")" }
            recorded.append(f)
        }
        let verified = Agreement.fold(recorded).1.filter { RuleID(id: $0.rule)?.isCuredByLaterRecord != true }.map { "\($0.rule) \($0.event ?? "")" }
        let expected = Set(refused)
        // Nothing verify reports was let in silently.
        #expect(Set(verified).isSubset(of: expected), "seed \(seed): \(Set(verified).subtracting(expected))")
        // A refusal verify no longer reports was lifted by a dated fact recorded later (Calendar):
        // an approval, a Party date, or the meeting a presentation names.
        let lifted = expected.subtracting(verified).map { String($0.prefix { $0 != " " }) }
        #expect(Set(lifted).isSubset(of: ["LIFECYCLE", "ART9-IN-FORCE", "ART7.2-PARTY", "ART5-SELECTION"]), "seed \(seed): \(lifted)")
        #expect(verified.count == Set(verified).count)
    }
}

/// Properties over the order of recording, with swift-property-based generating the orders.
@Suite("The verdict does not depend on the order of recording")
struct RecordingOrderProperties {
    /// `h` recorded in `order` (a permutation of its indices): the fact at `order[i]` gets sequence i + 1.
    static func recorded(_ h: History, in order: [Int]) -> History {
        var out = History()
        for (i, index) in order.enumerated() {
            let f = h.facts[index]
            out.facts.append(
                Fact(
                    seq: UInt64(i + 1), recorded: f.recorded,
                    envelope: Envelope(
                        id: f.id, type: f.type, caseID: f.caseID, actor: f.actor, occurred: f.occurred, payload: f.payload)))
        }
        return out
    }

    @Test("a lawful history stays clean under any order of recording")
    func lawful() async {
        let h = variant()
        #expect(h.facts.count > 15)
        await propertyCheck(count: 200, input: Gen.shuffled(Array(h.facts.indices))) { order in
            let b = Self.recorded(h, in: order).breaches
            #expect(b.isEmpty, "order \(order): \(b.map(\.rule))")
        }
    }

    @Test("each single planted deviation yields exactly its rule, on the same act, under any order of recording")
    func planted() async {
        let rows = Array(RuleTests.cases.indices)
        await propertyCheck(count: 300, input: Gen.element(of: rows), Gen.int(in: 0...Int.max)) { index, seed in
            guard let index else { return }
            let row = RuleTests.cases[index]
            let h = row.build()
            var rng = SeededRandom(seed: UInt64(seed))
            let shuffled = Self.recorded(h, in: Array(h.facts.indices).shuffled(using: &rng))
            #expect(Set(shuffled.breaches.map(\.rule)) == [row.rule], "\(row.rule), seed \(seed)")
            #expect(Set(shuffled.breaches.compactMap(\.event)) == Set(h.breaches.compactMap(\.event)), "\(row.rule), seed \(seed)")
        }
    }
}
