import Ledger

// The ledger's own rules (force `integrity`): a record that cannot be trusted as written.
extension Rules {
    /// How far, in seconds, an act may seem to lie after its recording (clocks differ): beyond it,
    /// the act is dated in the future (LIFECYCLE; an input error on the write path).
    public static let clockAllowance: Int64 = 300

    public static let integrity = Rule(
        id: .integrity, article: nil, force: .integrity,
        words: [Quotation("architecture.md", "SHA-256 Merkle log (RFC 6962/9162), … the append-only EventLog on LMDB with its indexes.")],
        summary: "an entry's bytes, hash chain, Merkle root or checkpoint do not match",
        interpretation: ["Judged by the Ledger's verifier over the stored bytes (RFC 6962 tree, signed checkpoints)."],
        judgement: .byLedger)

    public static let signature = Rule(
        id: .signature, article: nil, force: .integrity,
        words: [Quotation("domain.md", "Every event is signed (Ed25519) by a key registered to its actor.")],
        summary: "a signature is invalid, or its key was not registered to the actor, or revoked, at occurred",
        interpretation: ["Judged by the Ledger's verifier with the key registry as it stood at the event's `occurred`."],
        judgement: .byLedger)

    public static let authority = Rule(
        id: .authority, article: nil, force: .integrity,
        words: [
            Quotation("domain.md", "the actor is not the one allowed to emit that type in that case"),
            Quotation(
                "Art. 3",
                "to collaborate with the requesting country in providing consular protection to a national of a country other than the potentially collaborating country"
            ),
        ],
        summary: "the actor is not the one allowed to emit that type in that case",
        interpretation: [
            "Uses the \"recorded by\" column of docs/events.md. The assisting State's acts (an offer, the agreement on scope, a protection act, a reimbursement claim) are another Party's (Art. 3): the requesting State recording them in its own case is AUTHORITY.",
            "An act by an actor not allowed to record it gets one verdict, AUTHORITY: the Articles' rules judge acts by their lawful actor, so none of them is reported on it (LIFECYCLE still is).",
        ],
        judgement: .eachAct { c in
            guard let spec = c.fact.spec else { return nil }
            let actor = c.fact.actor
            let what = c.fact.phrase
            let day = c.fact.day
            switch spec.role {
            case .keyAuthority:
                return nil
            case .secretariat:
                return actor == Codes.secretariat ? nil : "\(c.actorName) recorded \(what) on \(day), which only the RCM Technical Secretariat may record."
            case .memberState:
                return Codes.isMemberState(actor) ? nil : "\(c.actorName) recorded \(what) on \(day), which only a Member State may record about itself."
            case .requestingState:
                guard let requesting = c.requesting, actor != requesting else { return nil }
                return
                    "\(c.actorName) recorded \(what) in case \(c.caseName) on \(day), which only the requesting State, \(Codes.name(requesting)), may record."
            case .otherMemberState, .assistingState:
                if !Codes.isMemberState(actor) {
                    return
                        "\(c.actorName) recorded \(what) in case \(c.caseName) on \(day), which only a Member State other than the requesting State may record."
                }
                guard actor == c.requesting else { return nil }
                return "\(c.actorName) recorded \(what) in its own case \(c.caseName) on \(day), which only another Party, the assisting State, may record."
            case .iomOrRequestingState:
                return actor == Codes.iom || actor == c.requesting
                    ? nil
                    : "\(c.actorName) recorded \(what) in case \(c.caseName) on \(day), which only IOM or the State of nationality may record."
            case .author:
                guard let target = c.fact.string("event").flatMap(EventID.init(parsing:)),
                    let author = c.caseState?.authors[target], author != actor
                else { return nil }
                return "\(c.actorName) corrected an event of case \(c.caseName) written by \(Codes.name(author)); only its author may correct it."
            }
        })

    public static let lifecycle = Rule(
        id: .lifecycle, article: nil, force: .integrity,
        words: [
            Quotation(
                "domain.md",
                "An event that occurred after it was recorded (beyond a few minutes of clock allowance), or a case event that occurred before its case was filed, is a `LIFECYCLE` breach."
            )
        ],
        summary: "the event is out of order for the case, or names something the ledger does not hold",
        interpretation: [
            "Also an event that is not a well-formed event of the catalog (possible only for events recorded by bundle import; the write path refuses them with exit status 2), a reimbursement of a claim the case does not hold, a correction of an event it does not hold, and a presentation at a meeting the ledger does not know (never scheduled or held).",
            "After a conclusion or withdrawal only costs, claims, reimbursements, the presentation, the erasure of personal data and corrections may follow (the catalog's `afterClose`).",
            "The clock allowance is 300 seconds.",
            "On the write path an act dated in the future, an act of a case never filed (in the log or the same batch) and a reference to an event the case does not hold are input errors (exit 2), never recordable, not even with --record-violations: they are typos, not historic acts. LIFECYCLE reports them when a bundle from another node brings them.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            if f.occurred > f.recorded.adding(seconds: clockAllowance) {
                return "\(c.actorName) recorded \(f.phrase) as occurring on \(f.occurred), after it was recorded (\(f.recorded))."
            }
            if !f.isWellFormed, let problem = Catalog.shapeProblem(type: f.type, caseID: f.caseID, payload: f.payload) {
                return "the event is not a well-formed \(f.type): \(problem)."
            }
            guard let caseID = f.caseID, let kind = f.kind else { return nil }
            guard let s = c.filed else {
                return kind == .requestFiled
                    ? nil
                    : "\(c.actorName) recorded \(f.phrase) on \(f.day) for case \(caseID) before the case was filed."
            }
            switch kind {
            case .requestFiled:
                return "case \(caseID) was already filed on \(s.filed!.date)."
            case .concluded where s.concluded != nil:
                return "case \(caseID) was already concluded on \(s.concluded!.date)."
            case .presentedAtMeeting:
                if let meeting = f.string("meeting"), !c.network.calendar.meetings.contains(meeting) {
                    return
                        "\(c.actorName) presented case \(caseID) on \(f.day) at a meeting this ledger does not know: no meeting \"\(meeting)\" was scheduled or held."
                }
                if s.concluded == nil { return "\(c.actorName) presented case \(caseID) on \(f.day) before concluding it." }
            case .reimbursed:
                guard let claim = f.string("claim").flatMap(EventID.init(parsing:)), s.claims[claim] != nil else {
                    return "\(c.actorName) recorded a reimbursement on \(f.day) for a claim case \(caseID) does not hold."
                }
            case .corrected:
                guard let target = f.string("event").flatMap(EventID.init(parsing:)), s.authors[target] != nil else {
                    return "\(c.actorName) corrected on \(f.day) an event that case \(caseID) does not hold."
                }
            default:
                break
            }
            if s.isClosed && !(f.spec?.afterClose ?? false) {
                // Two acts of the same day are told apart by their times: the time decides.
                let end = s.concluded ?? s.withdrawn!
                let sameDay = end.date == f.day
                let at = sameDay ? "at \(f.occurred)" : "on \(f.day)"
                let endAt = sameDay ? "at \(end)" : "on \(end.date)"
                let closed = s.concluded != nil ? "concluded \(endAt)" : "withdrawn \(endAt)"
                return "\(c.actorName) recorded \(f.phrase) \(at) after case \(caseID) was \(closed)."
            }
            return nil
        })
}
