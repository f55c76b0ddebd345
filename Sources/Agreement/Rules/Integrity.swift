import Ledger

// The ledger's own rules (force `integrity`): a record that cannot be trusted as written.
extension Rules {
    /// How far, in seconds, an act may seem to lie after its recording (clocks differ): beyond it,
    /// the act is dated in the future (LIFECYCLE; an input error on the write path).
    package static let clockAllowance: Int64 = 300

    package static let integrity = Rule(
        id: .integrity, article: nil, force: .integrity,
        words: [Quotation("architecture.md", "SHA-256 Merkle log (RFC 6962/9162), … the append-only EventLog on LMDB with its indexes.")],
        summary: "an entry's bytes, hash chain, Merkle root or checkpoint do not match",
        interpretation: ["Judged by the Ledger's verifier over the stored bytes (RFC 6962 tree, signed checkpoints)."],
        judgement: .byLedger)

    package static let signature = Rule(
        id: .signature, article: nil, force: .integrity,
        words: [Quotation("domain.md", "Every event is signed (Ed25519) by a key registered to its actor.")],
        summary: "a signature is invalid, or its key was not registered to the actor, or revoked, at occurred",
        interpretation: [
            "Judged by the Ledger's verifier with the key registry as it stood at the event's `occurred`.",
            "Never recorded on the write path (a key not registered to the actor, or revoked, is refused) nor imported (a bundle holding one is refused whole). An event held before its key's revocation was recorded, dated after it, is left out of verify's fold: evidence, not a fact.",
        ],
        judgement: .byLedger)

    package static let authority = Rule(
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
            "Never recorded on the write path, not even with --record-violations. One that arrives by bundle is kept as evidence and folded as if absent: it changes no case's state on any node.",
        ],
        judgement: .eachAct { c in
            guard let spec = c.fact.spec else { return nil }
            let actor = c.fact.actor
            let what = c.fact.phraseArg
            let day = Sentence.Arg.text(c.fact.day)
            let inCase = Sentence.Arg.text(c.caseName)
            switch spec.role {
            case .keyAuthority:
                return nil
            case .secretariat:
                return actor == Codes.secretariat ? nil : Sentence("msg.authority.secretariat", ["actor": c.actorArg, "what": what, "day": day])
            case .memberState:
                return Codes.isMemberState(actor) ? nil : Sentence("msg.authority.member", ["actor": c.actorArg, "what": what, "day": day])
            case .requestingState:
                guard let requesting = c.requesting, actor != requesting else { return nil }
                return Sentence(
                    "msg.authority.requesting", ["actor": c.actorArg, "what": what, "case": inCase, "day": day, "requesting": .name(requesting)])
            case .otherMemberState, .assistingState:
                if !Codes.isMemberState(actor) {
                    return Sentence("msg.authority.other", ["actor": c.actorArg, "what": what, "case": inCase, "day": day])
                }
                guard actor == c.requesting else { return nil }
                return Sentence("msg.authority.own", ["actor": c.actorArg, "what": what, "case": inCase, "day": day])
            case .requestingStateOrSecretariat:
                guard let requesting = c.requesting, actor != requesting, actor != Codes.secretariat else { return nil }
                return Sentence(
                    "msg.authority.redaction", ["actor": c.actorArg, "what": what, "case": inCase, "day": day, "requesting": .name(requesting)])
            case .iomOrRequestingState:
                return actor == Codes.iom || actor == c.requesting
                    ? nil
                    : Sentence("msg.authority.iom", ["actor": c.actorArg, "what": what, "case": inCase, "day": day])
            case .author:
                guard let target = c.fact[.event],
                    let author = c.caseState?.authors[target], author != actor
                else { return nil }
                return Sentence("msg.authority.author", ["actor": c.actorArg, "case": inCase, "author": .name(author)])
            }
        })

    package static let lifecycle = Rule(
        id: .lifecycle, article: nil, force: .integrity,
        words: [
            Quotation(
                "domain.md",
                "An event that occurred after it was recorded (beyond a few minutes of clock allowance), or a case event that occurred before its case was filed, is a `LIFECYCLE` breach."
            )
        ],
        summary: "the event is out of order for the case, or names something the ledger does not hold",
        interpretation: [
            "Also an event that is not a well-formed event of the catalog (possible only for events recorded by bundle import; the write path refuses them with exit status 2), a reimbursement of a claim the case holds only from a later date, a correction of an event it does not hold, a presentation at a meeting the ledger does not know (never scheduled or held), and a presentation dated before the day of the meeting it names (the date its id begins with): a case is not presented at a meeting that has not happened, and such a presentation does not count as one (the case is not \"presented\", Art. 7.7 still expects it). A reimbursement of a claim the case does not hold at all is a pending reference, not a breach: the claim may not have reached this node yet.",
            "After a conclusion or withdrawal only costs, claims, reimbursements, the presentation, the erasure of personal data and corrections may follow (the catalog's `afterClose`).",
            "The clock allowance is 300 seconds.",
            "On the write path an act dated in the future, an act of a case never filed (in the log or the same batch), a correction of an event the case does not hold and a reference to an event of another case are input errors (exit 2), never recordable, not even with --record-violations: they are typos, not historic acts. LIFECYCLE reports them when a bundle from another node brings them.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            if f.occurred > f.recorded.adding(seconds: clockAllowance) {
                return Sentence(
                    "msg.lifecycle.future", ["actor": c.actorArg, "what": f.phraseArg, "occurred": .text("\(f.occurred)"), "recorded": .text("\(f.recorded)")])
            }
            if !f.isWellFormed, let problem = Catalog.shapeProblem(type: f.type, caseID: f.caseID, payload: f.payload) {
                return Sentence("msg.lifecycle.malformed", ["type": .text(f.type), "problem": .text(problem.description)])
            }
            guard let caseID = f.caseID, let kind = f.kind else { return nil }
            guard let s = c.filed else {
                return kind == .requestFiled
                    ? nil
                    : Sentence("msg.lifecycle.unfiled", ["actor": c.actorArg, "what": f.phraseArg, "day": .text(f.day), "case": .text(caseID)])
            }
            switch kind {
            case .requestFiled:
                return Sentence("msg.lifecycle.filed_again", ["case": .text(caseID), "date": .text(s.filed!.date)])
            case .concluded where s.concluded != nil:
                return Sentence("msg.lifecycle.concluded_again", ["case": .text(caseID), "date": .text(s.concluded!.date)])
            case .presentedAtMeeting:
                if let meeting = f[.meeting] {
                    guard c.network.calendar.meetings.contains(meeting) else {
                        return Sentence(
                            "msg.lifecycle.unknown_meeting", ["actor": c.actorArg, "case": .text(caseID), "day": .text(f.day), "meeting": .text(meeting)])
                    }
                    if f.day < MeetingID.day(meeting) {
                        return Sentence(
                            "msg.lifecycle.before_meeting",
                            ["actor": c.actorArg, "case": .text(caseID), "day": .text(f.day), "meeting": .text(meeting), "date": .text(MeetingID.day(meeting))])
                    }
                }
                if s.concluded == nil {
                    return Sentence("msg.lifecycle.not_concluded", ["actor": c.actorArg, "case": .text(caseID), "day": .text(f.day)])
                }
            case .reimbursed:
                guard let claim = f[.claim], s.claims[claim] != nil else {
                    return Sentence("msg.lifecycle.no_claim", ["actor": c.actorArg, "day": .text(f.day), "case": .text(caseID)])
                }
            case .corrected:
                guard let target = f[.event], s.authors[target] != nil else {
                    return Sentence("msg.lifecycle.no_event", ["actor": c.actorArg, "day": .text(f.day), "case": .text(caseID)])
                }
            default:
                break
            }
            if s.isClosed && !(f.spec?.afterClose ?? false) {
                // Two acts of the same day are told apart by their times: the time decides.
                let end = s.concluded ?? s.withdrawn!
                let sameDay = end.date == f.day
                func when(_ time: Timestamp) -> Sentence.Arg {
                    .part(sameDay ? Sentence("msg.lifecycle.at", ["time": .text("\(time)")]) : Sentence("msg.lifecycle.on", ["day": .text(time.date)]))
                }
                let closed = Sentence(s.concluded != nil ? "msg.lifecycle.concluded" : "msg.lifecycle.withdrawn", ["when": when(end)])
                return Sentence(
                    "msg.lifecycle.closed", ["actor": c.actorArg, "what": f.phraseArg, "at": when(f.occurred), "case": .text(caseID), "closed": .part(closed)])
            }
            return nil
        })
}
