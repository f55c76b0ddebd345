// Article 5: scope by verbal notes (¶1, shall), notification of the Secretariat (¶1, should),
// selection of the Party approached (¶2, shall).
extension Rules {
    package static let secretariat = Rule(
        id: .secretariat, article: "5 ¶1", force: .should,
        words: [Quotation("Art. 5 ¶1", "the RCM Technical Secretariat should be notified of the request for each case.")],
        summary: "a case is concluded without the Secretariat having been notified of its request",
        interpretation: [
            "The text sets no moment for the notification, only that it happens for each case: protection before it is lawful. The Secretariat's acknowledgement (`case.secretariat_notified`) is the record that it was notified; a case concluded with none before its conclusion is the breach, reported on the conclusion.",
            "The write path never refuses for it: the acknowledgement is the Secretariat's record and may reach the requesting State's node later, by bundle, dated before the conclusion (and historic records come in any order); `verify` reports a conclusion that stays without one.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .concluded, let s = c.filed, s.concluded == nil, s.notified == nil else { return nil }
            return Sentence("msg.secretariat", ["actor": c.actorArg, "case": .text(c.caseName), "day": .text(f.day)])
        })

    package static let selection = Rule(
        id: .selection, article: "5 ¶2", force: .shall,
        words: [
            Quotation(
                "Art. 5 ¶2",
                "In the capital cities where several consular missions exist of States Parties to the Network for Consular Protection and Humanitarian Assistance, the State of citizenship of the person requesting protection shall establish which Party should be approached to request assistance."
            )
        ],
        summary:
            "a State other than the one the requesting State selected formally takes the case or acts in it, or none was selected where several Parties have missions",
        interpretation: [
            "\"Several consular missions\" is read from the declared networks as they stood at the act: the Parties (other than the requesting and the receiving State) that declared an office in the location country, in the location city when their declaration names cities there. With one such Party or none, that Party may be asked without a selection; with several, the selection is required.",
            "Once a State is selected, a formal request to, an agreement on scope by, or an act of protection by another State is the breach, wherever the migrant is.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            guard let s = c.filed, let kind = f.kind else { return nil }
            let target: String
            switch kind {
            case .formalRequestSent:
                guard let to = f[.to] else { return nil }
                target = to
            case .scopeAgreed, .protectionActionRecorded:
                guard Codes.isMemberState(f.actor) else { return nil }
                target = f.actor
            default: return nil
            }
            let how = Sentence.Arg.part(
                Sentence(
                    kind == .formalRequestSent ? "msg.selection.request" : kind == .scopeAgreed ? "msg.selection.scope" : "msg.selection.acted",
                    ["state": .name(target), "day": .text(f.day), "case": .text(c.caseName)]))
            if let selected = s.selected {
                guard target != selected else { return nil }
                return Sentence("msg.selection.other", ["actor": c.actorArg, "how": how, "requesting": .name(s.requesting), "selected": .name(selected)])
            }
            guard let country = s.locationCountry else { return nil }
            let parties = c.network.partiesWithMission(in: country, city: s.locationCity, at: f.occurred, excluding: s.requesting)
            guard parties.count > 1 else { return nil }
            return Sentence(
                "msg.selection.none",
                [
                    "actor": c.actorArg, "how": how, "requesting": .name(s.requesting), "place": Sentence.place(city: s.locationCity, country: country),
                    "parties": .labels(parties),
                ])
        })

    package static let scope = Rule(
        id: .scope, article: "5 ¶1", force: .shall,
        words: [
            Quotation(
                "Art. 5 ¶1",
                "The Parties shall agree, through verbal notes and for each specific case, on the scope and procedures to be implemented under this mode of assistance."
            )
        ],
        summary: "protection is provided before scope was agreed by verbal notes, or an action kind lies outside the agreed scope",
        interpretation: ["Compares the action kind with the scope the acting State itself agreed (`case.scope_agreed`), before the act."],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .protectionActionRecorded, let s = c.filed else { return nil }
            guard let agreed = s.scope[f.actor] else {
                return Sentence("msg.scope.before", ["actor": c.actorArg, "what": f.phraseArg, "day": .text(f.day), "case": .text(c.caseName)])
            }
            guard let kind = f[.kind], !agreed.contains(kind) else { return nil }
            return Sentence(
                "msg.scope.outside",
                ["actor": c.actorArg, "what": f.phraseArg, "day": .text(f.day), "case": .text(c.caseName), "agreed": .actions(agreed.sorted())])
        })
}
