import Ledger

/// The Agreement as ONE fold: `apply(fact, to: world) -> (world, [Breach])`.
///
/// The write path (check drafts before appending), the verifier (walk the log) and the
/// projections all call it. Facts are folded in the order their acts happened (`occurred`, ties
/// by sequence), so the verdict on a case never depends on the order its events were recorded in,
/// and facts that hold "as of a date" (membership, declared networks, focal points) are taken as
/// they stood at the act.
public enum Agreement {
    /// Applies one fact: checks it against every per-event rule with the world as it stood before
    /// it, then records it. Pure.
    public static func apply(_ fact: Fact, to world: World) -> (World, [Breach]) {
        var next = world
        let breaches = apply(fact, to: &next)
        return (next, breaches)
    }

    /// In-place form of ``apply(_:to:)-(Fact,World)``.
    public static func apply(_ fact: Fact, to world: inout World) -> [Breach] {
        let context = RuleContext(fact: fact, caseState: fact.caseID.flatMap { world.cases[$0] }, network: world.network)
        var breaches: [Breach] = []
        for rule in Rules.perEvent {
            if let message = rule.check(context) {
                breaches.append(breach(rule, fact, message))
            }
        }
        // A malformed event is reported (LIFECYCLE) and not folded into the state.
        if Catalog.shapeProblem(type: fact.type, caseID: fact.caseID, payload: fact.payload) == nil {
            record(fact, in: &world)
        }
        return breaches
    }

    static func breach(_ rule: Rule, _ fact: Fact, _ message: String) -> Breach {
        Breach(rule: rule.id, article: rule.article, seq: fact.seq, event: fact.id.description, caseID: fact.caseID,
               actor: fact.actor, message: rule.sentence(message))
    }

    /// Checks that need the whole history: `ART7.7-PRESENTATION` — a concluded case not presented
    /// at the first Network meeting held after its conclusion (reported on the conclusion).
    public static func finalize(_ world: World) -> [Breach] {
        var breaches: [Breach] = []
        for caseID in world.cases.keys.sorted() {
            let s = world.cases[caseID]!
            guard let concluded = s.concluded, let event = s.concludedEvent,
                  let meeting = world.network.firstMeeting(after: concluded.date) else { continue }
            if s.presentations.contains(where: { $0.meeting == meeting.id }) { continue }
            let late = s.presentations.first.map { " (it was presented later, at \($0.meeting))" } ?? ""
            let place = meeting.city.map { " in \($0)" } ?? ""
            breaches.append(Breach(
                rule: Rules.presentation.id, article: Rules.presentation.article, seq: s.concludedSeq, event: event.description,
                caseID: caseID, actor: s.requesting,
                message: Rules.presentation.sentence("\(Codes.subject(s.requesting)) concluded case \(caseID) on \(concluded.date) but did not present it at the next meeting of the Network, on \(meeting.date)\(place)\(late).")))
        }
        return breaches
    }

    /// Folds `facts` in act order from an empty world; returns the world and every breach
    /// (per-event and final), ordered by sequence.
    public static func fold(_ facts: [Fact]) -> (World, [Breach]) {
        var world = World()
        var breaches: [Breach] = []
        for fact in ordered(facts) { breaches += apply(fact, to: &world) }
        breaches += finalize(world)
        return (world, breaches.sorted { ($0.seq ?? .max, $0.rule) < ($1.seq ?? .max, $1.rule) })
    }

    /// What recording `adding` on top of `existing` would add to the fold's findings: breaches
    /// found afterwards and not before (by rule and event), so a late record that makes an earlier
    /// act a breach counts too. `ART7.7-PRESENTATION` breaches that surface only because a meeting
    /// is now held are the requesting State's omission, not the recorder's: they are left out (the
    /// verifier reports them).
    public static func newBreaches(existing: [Fact], adding: [Fact]) -> [Breach] {
        guard !adding.isEmpty else { return [] }
        struct Key: Hashable { let rule: String; let event: String? }
        let before = Set(fold(existing).1.map { Key(rule: $0.rule, event: $0.event) })
        let added = Set(adding.map { $0.id.description })
        return fold(existing + adding).1.filter { b in
            !before.contains(Key(rule: b.rule, event: b.event))
                && (b.rule != Rules.presentation.id || b.event.map(added.contains) == true)
        }
    }

    /// The world after `facts`, without judging them: the same state updates as ``fold(_:)`` (a
    /// malformed event is skipped there too), none of the rules. For projections, which need the
    /// state and leave the verdicts to `verify`.
    public static func state(_ facts: [Fact]) -> World {
        var world = World()
        for fact in ordered(facts) where Catalog.shapeProblem(type: fact.type, caseID: fact.caseID, payload: fact.payload) == nil {
            record(fact, in: &world)
        }
        return world
    }

    /// Act order: `occurred`, ties by sequence (drafts after stored events, in their given order).
    public static func ordered(_ facts: [Fact]) -> [Fact] {
        facts.enumerated().sorted { a, b in
            (a.element.occurred, a.element.seq ?? .max, a.offset) < (b.element.occurred, b.element.seq ?? .max, b.offset)
        }.map(\.element)
    }

    // MARK: State updates

    static func record(_ f: Fact, in world: inout World) {
        if f.caseID == nil {
            recordNetwork(f, in: &world.network)
            return
        }
        let id = f.caseID!
        var s = world.cases[id] ?? CaseState(id: id)
        s.authors[f.id] = f.actor
        switch f.type {
        case "case.request_filed":
            if s.filed == nil {
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
            }
        case "case.secretariat_notified":
            s.notified = s.notified ?? f.occurred
            s.advance(to: .notified)
        case "case.circulated":
            s.circulated = s.circulated ?? f.occurred
            s.advance(to: .circulated)
        case "case.collaboration_offered":
            s.offers[f.actor] = s.offers[f.actor] ?? f.occurred
            s.advance(to: .offers)
        case "case.collaboration_declined":
            s.declines[f.actor] = f.occurred
        case "case.assisting_state_selected":
            s.selected = f.string("state")
            s.selectedAt = f.occurred
            s.advance(to: .assisting_selected)
        case "case.formal_request_sent":
            if let to = f.string("to") { s.formalRequests[to] = s.formalRequests[to] ?? f.occurred }
            s.advance(to: .formally_requested)
        case "case.scope_agreed":
            s.scope[f.actor] = Set(f.strings("scope"))
            s.scopeAgreedAt = s.scopeAgreedAt ?? f.occurred
            s.advance(to: .scope_agreed)
        case "case.protection_action_recorded":
            s.actions.append((f.actor, f.string("kind") ?? "", f.occurred))
            s.advance(to: .in_protection)
        case "case.cost_recorded":
            s.costs.append((f.string("payer") ?? "", f.string("amount") ?? "0", f.string("currency") ?? "", f.occurred))
        case "case.reimbursement_claimed":
            s.claims[f.id] = CaseState.Claim(from: f.string("from") ?? "", claimant: f.actor, amount: f.string("amount") ?? "0",
                                             currency: f.string("currency") ?? "", at: f.occurred)
        case "case.reimbursed":
            if let claim = f.string("claim").flatMap(EventID.init(parsing:)), s.claims[claim] != nil {
                s.claims[claim]!.settled = f.occurred
            }
        case "case.concluded":
            if s.concluded == nil {
                s.concluded = f.occurred
                s.concludedEvent = f.id
                s.concludedSeq = f.seq
                s.outcome = f.string("outcome")
                s.summary = f.string("summary")
            }
            s.advance(to: .concluded)
        case "case.withdrawn":
            s.withdrawn = s.withdrawn ?? f.occurred
            s.status = .withdrawn
        case "case.presented_at_meeting":
            s.presentations.append((f.string("meeting") ?? "", f.occurred, f.string("protection_provided") ?? "",
                                    f.string("provided_by") ?? "", f.string("nature") ?? "", f.string("protection_required") ?? "",
                                    f.string("lessons") ?? ""))
            if s.concluded != nil { s.advance(to: .presented) }
        case "case.personal_data_erased":
            s.erased = f.occurred
        default:
            break
        }
        world.cases[id] = s
    }

    static func recordNetwork(_ f: Fact, in n: inout NetworkState) {
        switch f.type {
        case "agreement.entered_into_force":
            if let date = f.date("date") { n.inForce = min(n.inForce ?? date, date) }
        case "state.joined_agreement":
            n.partyHistory[f.actor, default: []].append((f.date("effective") ?? f.occurred, true))
        case "state.left_agreement":
            n.partyHistory[f.actor, default: []].append((f.date("effective") ?? f.occurred, false))
        case "state.consular_network_declared":
            var offices: [String: [String]] = [:]
            for item in f.payload["offices"]?.arrayValue ?? [] {
                guard let country = item["country"]?.stringValue else { continue }
                offices[country] = item["cities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            n.offices[f.actor] = offices
        case "state.focal_point_designated":
            n.focalPoints[f.actor] = .init(office: f.string("office") ?? "", email: f.string("email") ?? "",
                                           telephone: f.string("telephone") ?? "", since: f.occurred)
        case "meeting.scheduled":
            guard let id = f.string("meeting") else { return }
            var m = n.meetings[id] ?? .init(id: id, date: f.string("date") ?? String(id.prefix(10)))
            m.date = f.string("date") ?? m.date
            m.city = f.string("city")
            m.country = f.string("country")
            m.scheduledSeq = f.seq
            n.meetings[id] = m
        case "meeting.held":
            guard let id = f.string("meeting") else { return }
            var m = n.meetings[id] ?? .init(id: id, date: String(id.prefix(10)))
            m.held = true
            m.participants = f.strings("participants")
            m.observers = f.strings("observers")
            m.heldSeq = f.seq
            n.meetings[id] = m
        default:
            break
        }
    }
}

extension CaseState {
    /// When a reimbursement claimed at `claimed` falls due: 12 months later (the EU's Directive
    /// 2015/637 Art. 14 practice, domain.md); unsettled after that, it is overdue.
    public static func reimbursementDue(_ claimed: Timestamp) -> Timestamp { claimed.adding(seconds: 365 * 86400) }

    /// What remains to be done in this case, as of `now`, as sentences with their Article.
    public func obligations(network: NetworkState, now: Timestamp) -> [String] {
        var out: [String] = []
        if withdrawn != nil { return out }
        if concluded == nil {
            if notified == nil { out.append("awaiting Secretariat acknowledgement (Art. 5)") }
            if selected == nil { out.append("select the assisting State (Art. 5 ¶2)") }
            if let s = selected, formalRequests[s] == nil { out.append("send a formal request note to \(Codes.name(s)) (Art. 6)") }
            if let s = selected, formalRequests[s] != nil, scope[s] == nil {
                out.append("agree scope and procedures with \(Codes.name(s)) by verbal notes (Art. 5 ¶1)")
            }
        } else if presentations.isEmpty, let concluded {
            if let m = network.firstMeeting(after: concluded.date, includeScheduled: true) {
                let place = m.city.map { " in \($0)" } ?? ""
                out.append("\(m.held ? "overdue: was to be presented" : "present") at the meeting of \(m.date)\(place) (Art. 7.7)")
            } else {
                out.append("present at the next Network meeting (Art. 7.7)")
            }
        }
        for (_, claim) in claims.sorted(by: { $0.value.at < $1.value.at }) where claim.settled == nil {
            let due = CaseState.reimbursementDue(claim.at)
            out.append("\(now > due ? "overdue: " : "")reimbursement of \(claim.amount) \(claim.currency) claimed by \(Codes.name(claim.claimant)) on \(claim.at.date) from \(Codes.name(claim.from)), due by \(due.date) (Art. 8)")
        }
        return out
    }

    /// One line: id, status, parties, location.
    public var summaryLine: String {
        var parts = ["\(id)", "status \(status.rawValue)", "requesting \(requesting)"]
        if let a = assisting { parts.append("assisting \(a)") }
        if let c = locationCountry { parts.append("in \(locationCity.map { "\($0), " } ?? "")\(c)") }
        if let o = outcome { parts.append("outcome \(o)") }
        return parts.joined(separator: "  ")
    }
}
