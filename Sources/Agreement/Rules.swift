import Ledger

/// What a rule looks at: the act, the case before it (nil when the case does not exist yet), and
/// the Network as of the act.
public struct RuleContext {
    public let fact: Fact
    public let caseState: CaseState?
    public let network: NetworkState

    var actorName: String { Codes.subject(fact.actor) }
    var requesting: String? { caseState?.requesting ?? fact.caseID.flatMap { CaseID($0)?.state } }
}

/// One rule of the Agreement: a stable id, its Article, and a check that answers nil when the act
/// satisfies it or a sentence a lawyer can read when it does not.
public struct Rule: Sendable {
    public let id: String
    /// "7.3", "5 ¶2", … (nil for INTEGRITY, SIGNATURE, AUTHORITY, LIFECYCLE).
    public let article: String?
    /// When the rule is breached, as the catalog says it.
    public let summary: String
    let check: @Sendable (RuleContext) -> String?

    /// The sentence with its Article in front: "Article 6: Costa Rica recorded …".
    func sentence(_ message: String) -> String {
        guard let article else { return message }
        return "Article \(article): \(message)"
    }
}

/// The rule catalog of shared/docs/domain.md, in its order. `INTEGRITY` and `SIGNATURE` are the
/// Ledger's (its verifier reports them); the others are checked here, on every event, by the fold.
public enum Rules {
    public static let integrity = Rule(id: "INTEGRITY", article: nil, summary: "an entry's bytes, hash chain, Merkle root or checkpoint do not match") { _ in nil }
    public static let signature = Rule(id: "SIGNATURE", article: nil, summary: "a signature is invalid, or its key was not registered to the actor, or revoked, at occurred") { _ in nil }

    public static let authority = Rule(id: "AUTHORITY", article: nil, summary: "the actor is not the one allowed to emit that type in that case") { c in
        guard let spec = Catalog.spec(c.fact.type) else { return nil }
        let actor = c.fact.actor
        let what = Wording.act(c.fact)
        switch spec.role {
        case .keyAuthority:
            return nil
        case .secretariat:
            return actor == Codes.secretariat ? nil : "\(c.actorName) recorded \(what) on \(c.fact.day), which only the RCM Technical Secretariat may record."
        case .memberState:
            return Codes.isMemberState(actor) ? nil : "\(c.actorName) recorded \(what) on \(c.fact.day), which only a Member State may record about itself."
        case .requestingState:
            guard let requesting = c.requesting, actor != requesting else { return nil }
            return "\(c.actorName) recorded \(what) in case \(c.fact.caseID ?? "?") on \(c.fact.day), which only the requesting State, \(Codes.name(requesting)), may record."
        case .otherMemberState:
            if !Codes.isMemberState(actor) { return "\(c.actorName) recorded \(what) on \(c.fact.day), which only a Member State may record." }
            return actor == c.requesting ? "\(c.actorName) recorded \(what) in its own case \(c.fact.caseID ?? "?") on \(c.fact.day)." : nil
        case .assistingState:
            return Codes.isMemberState(actor) ? nil : "\(c.actorName) recorded \(what) on \(c.fact.day), which only the assisting State may record."
        case .iomOrRequestingState:
            return actor == Codes.iom || actor == c.requesting ? nil
                : "\(c.actorName) recorded \(what) on \(c.fact.day), which only IOM or the State of nationality may record."
        case .author:
            guard let target = c.fact.string("event").flatMap(EventID.init(parsing:)),
                  let author = c.caseState?.authors[target], author != actor else { return nil }
            return "\(c.actorName) corrected an event of case \(c.fact.caseID ?? "?") written by \(Codes.name(author)); only its author may correct it."
        }
    }

    public static let lifecycle = Rule(id: "LIFECYCLE", article: nil, summary: "the event is out of order for the case") { c in
        let f = c.fact
        if f.occurred > f.recorded.adding(seconds: 300) {
            return "\(Codes.subject(f.actor)) recorded \(Wording.act(f)) as occurring on \(f.occurred), after it was recorded (\(f.recorded))."
        }
        if let problem = Catalog.shapeProblem(type: f.type, caseID: f.caseID, payload: f.payload) {
            return "the event is not a well-formed \(f.type): \(problem)."
        }
        guard let caseID = f.caseID else { return nil }
        guard let s = c.caseState, s.filed != nil else {
            return f.type == "case.request_filed" ? nil
                : "\(c.actorName) recorded \(Wording.act(f)) on \(f.day) for case \(caseID) before the case was filed."
        }
        let afterClose: Set<String> = ["case.cost_recorded", "case.reimbursement_claimed", "case.reimbursed", "case.presented_at_meeting",
                                       "case.personal_data_erased", "case.corrected"]
        switch f.type {
        case "case.request_filed":
            return "case \(caseID) was already filed on \(s.filed!.date)."
        case "case.concluded" where s.concluded != nil:
            return "case \(caseID) was already concluded on \(s.concluded!.date)."
        case "case.presented_at_meeting" where s.concluded == nil:
            return "\(c.actorName) presented case \(caseID) on \(f.day) before concluding it."
        case "case.reimbursed":
            guard let claim = f.string("claim").flatMap(EventID.init(parsing:)), s.claims[claim] != nil else {
                return "\(c.actorName) recorded a reimbursement on \(f.day) for a claim case \(caseID) does not hold."
            }
            return nil
        case "case.corrected":
            guard let target = f.string("event").flatMap(EventID.init(parsing:)), s.authors[target] != nil else {
                return "\(c.actorName) corrected on \(f.day) an event that case \(caseID) does not hold."
            }
            return nil
        default:
            break
        }
        if s.isClosed && !afterClose.contains(f.type) {
            let closed = s.concluded.map { "concluded on \($0.date)" } ?? "withdrawn on \(s.withdrawn!.date)"
            return "\(c.actorName) recorded \(Wording.act(f)) on \(f.day) after case \(caseID) was \(closed)."
        }
        return nil
    }

    public static let inForce = Rule(id: "ART9-IN-FORCE", article: "9", summary: "a case is filed before the Agreement entered into force") { c in
        guard c.fact.type == "case.request_filed" else { return nil }
        guard let date = c.network.inForce else {
            return "\(c.actorName) filed case \(c.fact.caseID ?? "?") on \(c.fact.day), but the Agreement's entry into force is not recorded."
        }
        return c.fact.occurred < date ? "\(c.actorName) filed case \(c.fact.caseID ?? "?") on \(c.fact.day), before the Agreement entered into force on \(date.date)." : nil
    }

    public static let nationality = Rule(id: "ART7.1-NATIONALITY", article: "7.1", summary: "the requesting State is not an RCM Member State") { c in
        guard c.fact.type == "case.request_filed", let requesting = c.requesting, !Codes.isMemberState(requesting) else { return nil }
        return "case \(c.fact.caseID ?? "?") was filed on \(c.fact.day) for a national of \(Codes.name(requesting)), which is not an RCM Member State."
    }

    public static let party = Rule(id: "ART7.2-PARTY", article: "7.2", summary: "the requesting State, or later the assisting State, was not a Party on that date") { c in
        let f = c.fact
        switch f.type {
        case "case.request_filed":
            guard let r = c.requesting, Codes.isMemberState(r), !c.network.isParty(r, at: f.occurred) else { return nil }
            return "\(Codes.subject(r)) filed case \(f.caseID ?? "?") on \(f.day) while not a Party to the Agreement."
        case "case.assisting_state_selected":
            guard let s = f.string("state"), !c.network.isParty(s, at: f.occurred) else { return nil }
            return "\(c.actorName) selected \(Codes.name(s)) on \(f.day) to assist in case \(f.caseID ?? "?"), but \(Codes.name(s)) was not a Party on that date."
        case "case.scope_agreed":
            guard Codes.isMemberState(f.actor), !c.network.isParty(f.actor, at: f.occurred) else { return nil }
            return "\(c.actorName) agreed the scope of case \(f.caseID ?? "?") on \(f.day) while not a Party to the Agreement."
        default:
            return nil
        }
    }

    public static let unrepresented = Rule(id: "ART7.3-UNREPRESENTED", article: "7.3", summary: "the requesting State had an office in the location country, had declared no network, or the migrant is in the requesting State") { c in
        let f = c.fact
        // Art. 7.3 is moot for a State that is not a Member State (ART7.1-NATIONALITY says so).
        guard f.type == "case.request_filed", let r = c.requesting, Codes.isMemberState(r),
              let country = f.string("location_country") else { return nil }
        let place = "\(f.string("location_city").map { $0 + ", " } ?? "")\(Codes.name(country))"
        if country == r {
            return "\(Codes.subject(r)) filed case \(f.caseID ?? "?") on \(f.day) for a national who is in \(Codes.name(r)) itself."
        }
        guard let offices = c.network.offices[r] else {
            return "\(Codes.subject(r)) filed case \(f.caseID ?? "?") on \(f.day) without having declared its consular network (Art. 7.6 asks every Party for its list)."
        }
        if offices[country] != nil {
            return "\(Codes.subject(r)) filed case \(f.caseID ?? "?") on \(f.day) for a national in \(place), where it declared an office of its own."
        }
        return nil
    }

    public static let civilian = Rule(id: "ART7.4-CIVILIAN", article: "7.4", summary: "the perpetrator is a State authority, or the category is not one listed") { c in
        let f = c.fact
        guard f.type == "case.request_filed" else { return nil }
        if f.string("perpetrator") == "state_authority" {
            return "\(c.actorName) filed case \(f.caseID ?? "?") on \(f.day) for a violation by local State authorities; the mechanism covers violations by other civilians."
        }
        if let category = f.string("category"), !Codes.categories.contains(category) {
            return "\(c.actorName) filed case \(f.caseID ?? "?") on \(f.day) in category \"\(category)\", which is not one the Agreement lists."
        }
        return nil
    }

    public static let channel = Rule(id: "ART7.5-CHANNEL", article: "7.5", summary: "coordination goes to local authorities without a stated exception") { c in
        let f = c.fact
        guard f.type == "case.request_filed", f.string("channel") == "local_authorities",
              (f.string("exception_reason") ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        else { return nil }
        return "\(c.actorName) filed case \(f.caseID ?? "?") on \(f.day) through local authorities without stating the exception that allows it."
    }

    public static let focalPoint = Rule(id: "ART7.6-FOCAL-POINT", article: "7.6", summary: "a State acts in a case without a designated focal point") { c in
        let f = c.fact
        guard f.caseID != nil, Codes.isMemberState(f.actor), c.network.focalPoints[f.actor] == nil else { return nil }
        return "\(c.actorName) recorded \(Wording.act(f)) in case \(f.caseID!) on \(f.day) without having designated a focal point."
    }

    public static let secretariat = Rule(id: "ART5-SECRETARIAT", article: "5", summary: "protection is provided before the Secretariat acknowledged the request") { c in
        let f = c.fact
        guard f.type == "case.protection_action_recorded", let s = c.caseState, s.filed != nil, s.notified == nil else { return nil }
        return "\(c.actorName) recorded \(Wording.act(f)) on \(f.day) before the RCM Technical Secretariat acknowledged the request of case \(f.caseID!)."
    }

    public static let selection = Rule(id: "ART5-SELECTION", article: "5 ¶2", summary: "a State other than the one the requesting State selected formally takes the case or acts in it") { c in
        let f = c.fact
        guard let s = c.caseState, s.filed != nil else { return nil }
        let chosen = s.selected.map { "the State \(Codes.name(s.requesting)) selected, \(Codes.name($0))" } ?? "a State selected by \(Codes.name(s.requesting)) (none was)"
        switch f.type {
        case "case.formal_request_sent":
            guard let to = f.string("to"), to != s.selected else { return nil }
            return "\(c.actorName) sent a formal request to \(Codes.name(to)) on \(f.day) in case \(f.caseID!), not to \(chosen)."
        case "case.scope_agreed", "case.protection_action_recorded":
            guard Codes.isMemberState(f.actor), f.actor != s.selected else { return nil }
            return "\(c.actorName) \(f.type == "case.scope_agreed" ? "agreed the scope of" : "acted in") case \(f.caseID!) on \(f.day), but the assisting State must be \(chosen)."
        default:
            return nil
        }
    }

    public static let presence = Rule(id: "ART4-PRESENCE", article: "3, 4", summary: "the assisting State has no office in the location country, or is the requesting or the receiving State") { c in
        let f = c.fact
        guard let s = c.caseState, let country = s.locationCountry else { return nil }
        let state: String
        switch f.type {
        case "case.assisting_state_selected": guard let x = f.string("state") else { return nil }; state = x
        case "case.scope_agreed", "case.collaboration_offered": state = f.actor
        default: return nil
        }
        guard Codes.isMemberState(state) else { return nil }
        let role = f.type == "case.collaboration_offered" ? "offered to assist in" : "is to assist in"
        if state == s.requesting {
            return "\(Codes.subject(state)) \(role) case \(f.caseID!) (\(f.day)) but is the requesting State itself."
        }
        if state == country {
            return "\(Codes.subject(state)) \(role) case \(f.caseID!) (\(f.day)) but is the receiving State, where the migrant is."
        }
        if c.network.offices[state]?[country] == nil {
            return "\(Codes.subject(state)) \(role) case \(f.caseID!) (\(f.day)) but has declared no office in \(Codes.name(country))."
        }
        return nil
    }

    public static let priorRequest = Rule(id: "ART6-PRIOR-REQUEST", article: "6", summary: "protection is provided before a formal request note was sent to that State") { c in
        let f = c.fact
        guard f.type == "case.protection_action_recorded", let s = c.caseState, s.filed != nil,
              s.formalRequests[f.actor] == nil else { return nil }
        return "\(c.actorName) recorded \(Wording.act(f)) on \(f.day) before \(Codes.name(s.requesting)) sent it a formal request note."
    }

    public static let scope = Rule(id: "ART5-SCOPE", article: "5 ¶1", summary: "protection is provided before scope was agreed by verbal notes, or an action kind lies outside the agreed scope") { c in
        let f = c.fact
        guard f.type == "case.protection_action_recorded", let s = c.caseState, s.filed != nil else { return nil }
        guard let agreed = s.scope[f.actor] else {
            return "\(c.actorName) recorded \(Wording.act(f)) on \(f.day) before the scope of case \(f.caseID!) was agreed by verbal notes."
        }
        if let kind = f.string("kind"), !agreed.contains(kind) {
            return "\(c.actorName) recorded \(Wording.act(f)) on \(f.day), outside the scope agreed for case \(f.caseID!) (\(agreed.sorted().map(Codes.actionPhrase).joined(separator: ", ")))."
        }
        return nil
    }

    public static let costs = Rule(id: "ART8-COSTS", article: "8", summary: "a cost is borne by anyone other than IOM or the State of nationality") { c in
        let f = c.fact
        guard f.type == "case.cost_recorded", let payer = f.string("payer"), let r = c.requesting,
              payer != Codes.iom, payer != r else { return nil }
        return "\(c.actorName) recorded on \(f.day) a cost of \(f.string("amount") ?? "?") \(f.string("currency") ?? "") in case \(f.caseID!) borne by \(Codes.name(payer)), not by IOM or \(Codes.name(r))."
    }

    /// Checked at the end of the fold (it depends on meetings after the conclusion): see
    /// ``Agreement/finalize(_:)``.
    public static let presentation = Rule(id: "ART7.7-PRESENTATION", article: "7.7", summary: "a concluded case was not presented at the first Network meeting held after its conclusion") { _ in nil }

    /// Every rule, in the catalog's order.
    public static let catalog: [Rule] = [
        integrity, signature, authority, lifecycle, inForce, nationality, party, unrepresented, civilian, channel,
        focalPoint, secretariat, selection, presence, priorRequest, scope, costs, presentation,
    ]

    /// The rules the fold evaluates on each event.
    static let perEvent: [Rule] = catalog.filter { !["INTEGRITY", "SIGNATURE", "ART7.7-PRESENTATION"].contains($0.id) }

    public static func rule(_ id: String) -> Rule? { catalog.first { $0.id == id } }
}

/// How acts read in sentences.
enum Wording {
    static func act(_ f: Fact) -> String {
        switch f.type {
        case "case.protection_action_recorded": return Codes.actionPhrase(f.string("kind") ?? "")
        case "case.request_filed": return "a request"
        case "case.secretariat_notified": return "an acknowledgement"
        case "case.circulated": return "a circulation to focal points"
        case "case.collaboration_offered": return "an offer of collaboration"
        case "case.collaboration_declined": return "a refusal to collaborate"
        case "case.assisting_state_selected": return "the selection of an assisting State"
        case "case.formal_request_sent": return "a formal request note"
        case "case.scope_agreed": return "an agreement on scope"
        case "case.cost_recorded": return "a cost"
        case "case.reimbursement_claimed": return "a reimbursement claim"
        case "case.reimbursed": return "a reimbursement"
        case "case.concluded": return "a conclusion"
        case "case.withdrawn": return "a withdrawal"
        case "case.presented_at_meeting": return "a presentation at a meeting"
        case "case.personal_data_erased": return "an erasure of personal data"
        case "case.corrected": return "a correction"
        default: return f.type
        }
    }
}
