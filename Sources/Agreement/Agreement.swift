import L10n
import Ledger

/// The Agreement as ONE fold: `apply(fact, to: world) -> (world, [Breach])`.
///
/// The write path (check drafts before appending), the verifier (walk the log) and the
/// projections all call it. Facts are folded in the order their acts happened (`occurred`, ties
/// by sequence), so the verdict on a case never depends on the order its events were recorded in,
/// and facts that hold "as of a date" (membership, declared networks, focal points) are taken as
/// they stood at the act.
package enum Agreement {
    /// Applies one fact: checks it against every per-event rule with the world as it stood before
    /// it, then records it. Pure.
    package static func apply(_ fact: Fact, to world: World) -> (World, [Breach]) {
        var next = world
        let breaches = apply(fact, to: &next)
        return (next, breaches)
    }

    /// In-place form of ``apply(_:to:)-(Fact,World)``. `world` must know the history's dated
    /// facts (``World/init(calendar:)``).
    package static func apply(_ fact: Fact, to world: inout World) -> [Breach] {
        let context = RuleContext(fact: fact, caseState: fact.caseID.flatMap { world.cases[$0] }, network: world.network)
        var breaches: [Breach] = []
        for (rule, check) in Rules.eachAct {
            if let message = check(context) { breaches.append(rule.breach(fact, message)) }
        }
        // One verdict for a wrong actor: the Articles judge acts by their lawful actor.
        let unauthorized = breaches.contains(where: { $0.rule == RuleID.authority.rawValue })
        if unauthorized {
            breaches.removeAll { Rules.rule($0.rule)?.force != .integrity }
        }
        // A malformed event is reported (LIFECYCLE) and not folded into the state; nor is an act
        // its signer may not make (AUTHORITY): it is kept as evidence and folded as if absent, so
        // one State's key never changes what another State owns.
        if fact.isWellFormed && !unauthorized { record(fact, in: &world) }
        return breaches
    }

    /// Whether `fact`'s actor may make it, with the world as it stands before it (the `AUTHORITY`
    /// rule's test). The state-only fold (``state(_:through:)``) skips acts that fail it, as
    /// ``apply(_:to:)-(Fact,World)`` does.
    static func isAuthorized(_ fact: Fact, in world: World) -> Bool {
        guard case .eachAct(let check) = Rules.authority.judgement else { return true }
        return check(RuleContext(fact: fact, caseState: fact.caseID.flatMap { world.cases[$0] }, network: world.network)) == nil
    }

    /// The rules judged on the whole history (Art. 7.7), once every act is folded.
    package static func finalize(_ world: World) -> [Breach] {
        Rules.wholeHistory.flatMap { rule, check in
            check(world).map { f in
                Breach(
                    rule: rule.id.rawValue, article: rule.article, force: rule.force.rawValue, seq: f.seq, event: f.event.description,
                    caseID: f.caseID, actor: f.actor, message: rule.sentence(f.message), sentence: f.sentence)
            }
        }
    }

    /// Folds `facts` in act order from an empty world that knows their dated facts; returns the
    /// world and every breach (per act and on the whole history), ordered by sequence and rule.
    /// Corrections apply first (``Corrections``): a corrected event is judged as corrected.
    package static func fold(_ facts: [Fact]) -> (World, [Breach]) {
        let facts = Corrections.applied(to: facts)
        var world = World(calendar: Calendar(facts))
        var breaches: [Breach] = []
        for fact in ordered(facts) { breaches += apply(fact, to: &world) }
        breaches += finalize(world)
        return (world, sorted(withoutPending(breaches, pendingReferences(facts))))
    }

    /// How many cases one fold judges together with the Network's acts (see ``breaches(ofCases:network:asOf:)``).
    package static let casesPerFold = 256

    /// The breaches of `cases` (each given by its log entries), unsorted. Cases are judged
    /// independently — a case's verdict depends on the Network's acts and its own, never on
    /// another case's — so they are folded in groups of ``casesPerFold``, each group with
    /// `network`, on every core: a group shares one fold of the Network's acts, and memory holds
    /// the groups' states, not every case's. The Network's own breaches are not included (fold
    /// `network` alone for them). With `asOf` (`YYYY-MM-DD`), only breaches by acts that happened
    /// by that date count (a correction says when that was).
    package static func breaches(ofCases cases: [(id: String, entries: [RawEntry])], network: [Fact], asOf: String? = nil) throws -> [Breach] {
        try verdicts(ofCases: cases, network: network, asOf: asOf).breaches
    }

    /// The same, with the cases' pending references (``pendingReferences(_:)``), from the same fold.
    package static func verdicts(
        ofCases cases: [(id: String, entries: [RawEntry])], network: [Fact], asOf: String? = nil
    ) throws -> (breaches: [Breach], pending: [PendingReference]) {
        let groups = stride(from: 0, to: cases.count, by: casesPerFold).map { $0..<min($0 + casesPerFold, cases.count) }
        let found = try concurrentMap(groups.count) { g -> ([Breach], [PendingReference]) in
            var facts = network
            for i in groups[g] { facts += try cases[i].entries.map(Fact.init) }
            let mine = Set(cases[groups[g]].map(\.id))
            var found = fold(facts).1.filter { $0.caseID.map(mine.contains) ?? false }
            if let asOf {
                let happened = Dictionary(Corrections.applied(to: facts).map { ($0.id.description, $0.occurred.date) }, uniquingKeysWith: { a, _ in a })
                found = found.filter { b in b.event.flatMap { happened[$0] }.map { $0 <= asOf } ?? true }
            }
            return (found, pendingReferences(facts))
        }
        return (found.flatMap(\.0), found.flatMap(\.1))
    }

    /// Breaches by sequence (unsequenced last), then by the rule's place in the catalog.
    package static func sorted(_ breaches: [Breach]) -> [Breach] {
        func order(_ rule: String) -> Int { RuleID(id: rule)?.order ?? RuleID.allCases.count }
        return breaches.sorted { ($0.seq ?? .max, order($0.rule)) < ($1.seq ?? .max, order($1.rule)) }
    }

    /// The verdict on recording `adding` on top of `existing`: the world after both, and the
    /// breaches the record would add — found afterwards and not before (by rule and event), so a
    /// late record that makes an earlier act a breach counts too. Omissions a later record cures
    /// (``RuleID/isCuredByLaterRecord``: `ART7.7-PRESENTATION`, `ART5-SECRETARIAT`) are left out:
    /// refusing a conclusion (or a meeting) for them would deadlock a migration of historic records,
    /// or a ministry whose node has not yet imported the Secretariat's acknowledgement; the verifier
    /// reports what stays omitted.
    ///
    /// One fold: the acts before the first added act (in act order) are judged once, for both
    /// histories; only the existing acts after it are judged again without the additions, to tell
    /// what is new. An act recorded in its time (the usual case) leaves nothing to judge again. A
    /// batch holding dated Network facts (``Calendar``) changes every verdict, and is judged
    /// against the whole of both histories.
    ///
    /// `omissions`: the new breaches left out for that reason, so that the writer can say what
    /// remains to be recorded.
    ///
    /// `all`: every breach of the fold of both histories (``fold(_:)``'s), for the projections.
    package static func judge(existing: [Fact], adding: [Fact]) -> (world: World, added: [Breach], omissions: [Breach], all: [Breach]) {
        guard !adding.isEmpty else { return (state(existing), [], [], []) }
        struct Key: Hashable {
            let rule: String
            let event: String?
        }
        let added = Set(adding.map(\.id))
        func isNew(_ b: Breach, before: Set<Key>) -> Bool { !before.contains(Key(rule: b.rule, event: b.event)) }
        // An omission a later record cures (the presentation, the Secretariat's acknowledgement)
        // is never grounds for a refusal; `verify` reports it.
        // A reference to an act this node does not hold yet is pending, never a refusal.
        let pending = pendingReferences(existing + adding)
        func verdict(_ world: World, _ found: [Breach], all: [Breach]) -> (world: World, added: [Breach], omissions: [Breach], all: [Breach]) {
            let new = withoutPending(found, pending)
            let omitted = { (b: Breach) in RuleID(id: b.rule)?.isCuredByLaterRecord == true }
            return (world, new.filter { !omitted($0) }, new.filter(omitted), all)
        }
        let calendarBefore = Calendar(existing)
        let calendarAfter = Calendar(existing + adding)
        let all = ordered(Corrections.applied(to: existing + adding))
        // A correction moves or changes an earlier act: judged against the whole of both histories.
        let correcting = adding.contains { $0.kind == .corrected }
        guard calendarBefore == calendarAfter, !correcting, let split = all.firstIndex(where: { added.contains($0.id) }) else {
            let before = Set(fold(existing).1.map { Key(rule: $0.rule, event: $0.event) })
            let (world, after) = fold(existing + adding)
            return verdict(world, after.filter { isNew($0, before: before) }, all: after)
        }
        // The shared prefix: identical in both histories.
        var world = World(calendar: calendarAfter)
        var prefix: [Breach] = []
        for fact in all[..<split] { prefix += apply(fact, to: &world) }
        var without = world
        var beforeSuffix: [Breach] = []
        for fact in all[split...] where !added.contains(fact.id) { beforeSuffix += apply(fact, to: &without) }
        // The whole-history findings the history already had are not the new acts' (a Network act
        // does not cause another case's missed presentation).
        beforeSuffix += finalize(without)
        var after: [Breach] = []
        for fact in all[split...] { after += apply(fact, to: &world) }
        after += finalize(world)
        let before = Set(beforeSuffix.map { Key(rule: $0.rule, event: $0.event) })
        return verdict(world, sorted(after.filter { isNew($0, before: before) }), all: sorted(withoutPending(prefix + after, pending)))
    }

    /// What recording `adding` on top of `existing` would add to the fold's findings
    /// (``judge(existing:adding:)``).
    package static func newBreaches(existing: [Fact], adding: [Fact]) -> [Breach] {
        judge(existing: existing, adding: adding).added
    }

    /// The world after `facts`, without judging them: the same state updates as ``fold(_:)`` (a
    /// malformed event is skipped there too), none of the rules. For projections, which need the
    /// state and leave the verdicts to `verify`.
    ///
    /// With `through`, the world as of that instant: every correction applies (it says what really
    /// happened, whenever it was recorded), then only the acts that happened at or before it count.
    package static func state(_ facts: [Fact], through: Timestamp? = nil) -> World {
        var world = World(calendar: Calendar(facts))
        for fact in ordered(Corrections.applied(to: facts)) where fact.isWellFormed {
            if let through, fact.occurred > through { break }
            guard isAuthorized(fact, in: world) else { continue }
            record(fact, in: &world)
        }
        return world
    }

    /// Act order: `occurred`, ties by sequence (drafts after stored events, in their given order).
    package static func ordered(_ facts: [Fact]) -> [Fact] {
        facts.enumerated().sorted { a, b in
            (a.element.occurred, a.element.seq ?? .max, a.offset) < (b.element.occurred, b.element.seq ?? .max, b.offset)
        }.map(\.element)
    }

    // MARK: State updates

    /// Folds one well-formed fact into the world: its catalog row's update.
    static func record(_ f: Fact, in world: inout World) {
        guard let spec = f.spec else { return }
        switch spec.update {
        case .none:
            break
        case .network(let update):
            update(f, &world.network)
        case .caseState(let update):
            guard let id = f.caseID else { return }
            var s = world.cases[id] ?? CaseState(id: id)
            s.authors[f.id] = f.actor
            s.lastActed = max(s.lastActed ?? f.occurred, f.occurred)
            update(f, &s, world.network)
            world.cases[id] = s
        }
    }
}

extension CaseState {
    /// What remains to be done in this case, as of `now`, as sentences with their Article.
    package func obligations(network: NetworkState, now: Timestamp, language: Language = .en) -> [String] {
        let t = Localizer(language)
        var out: [String] = []
        if withdrawn != nil { return out }
        if concluded == nil {
            if notified == nil { out.append(t("todo.notify")) }
            // Art. 5 ¶2: a selection is needed where several Parties have missions; with one, it is
            // the one to ask.
            let parties = locationCountry.map { network.partiesWithMission(in: $0, city: locationCity, at: now, excluding: requesting) } ?? []
            let approached = selected ?? (parties.count == 1 ? parties[0] : formalRequests.keys.sorted().first)
            if approached == nil {
                out.append(t(parties.isEmpty ? "todo.find_party" : "todo.select"))
            }
            if let s = approached, formalRequests[s] == nil { out.append(t("todo.formal_note", ["state": t.name(s)])) }
            if let s = approached, formalRequests[s] != nil, scope[s] == nil {
                out.append(t("todo.scope", ["state": t.name(s)]))
            }
        } else if presentations.isEmpty, let concluded {
            switch Deadlines.presentation(concludedOn: concluded.date, among: network.meetings.values) {
            case .due(nil):
                out.append(t("todo.present_next"))
            case .due(let m?), .overdue(let m):
                let place = m.city.map { t("todo.in_city", ["city": $0]) } ?? ""
                out.append(t(m.held ? "todo.present_overdue" : "todo.present_at", ["date": m.date, "place": place]))
            }
        }
        for (_, claim) in claims.sorted(by: { $0.value.at < $1.value.at }) where claim.settled == nil {
            let term = network.calendar.reimbursementTerms.term(on: claim.at.date)
            let due = term.due(claimedOn: claim.at.date)
            out.append(
                t(
                    due < now.date ? "todo.reimbursement_overdue" : "todo.reimbursement",
                    [
                        "amount": "\(claim.amount)", "currency": claim.currency, "claimant": t.name(claim.claimant), "date": claim.at.date,
                        "from": t.name(claim.from), "due": due, "term": t.term(term),
                    ]))
        }
        return out
    }

    /// One line: id, status, parties, location.
    package var summaryLine: String {
        var parts = ["\(id)", "status \(status.rawValue)", "requesting \(requesting)"]
        if let a = assisting { parts.append("assisting \(a)") }
        if let c = locationCountry { parts.append("in \(locationCity.map { "\($0), " } ?? "")\(c)") }
        if let o = outcome { parts.append("outcome \(o)") }
        return parts.joined(separator: "  ")
    }
}
