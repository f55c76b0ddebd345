extension Rules {
    package static let presence = Rule(
        id: .presence, article: "3, 7.6", force: .should,
        words: [
            Quotation(
                "Art. 3", "providing consular protection to a national of a country other than the potentially collaborating country or the receiving State"),
            Quotation(
                "Art. 7.6", "so that the countries with consular representation in the country in question can state if they are able to collaborate and how."),
        ],
        summary: "the assisting State has no office in the location country, or is the requesting or the receiving State",
        interpretation: [
            "The id keeps its historic name (ids are a contract); the words it enforces are Art. 3's (not the requesting or the receiving State) and Art. 7.6's (a State with consular representation in the country). Art. 4's \"consular officers of one of the Parties\" is ART7.2-PARTY's.",
            "Art. 3 and Art. 7.6 say who can collaborate without a modal verb; the rule carries the force of providing protection, Art. 4's \"should\".",
            "Checked at an offer of collaboration, at the selection and at the agreement on scope, against the State's declaration in force then.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            guard let s = c.filed, let country = s.locationCountry else { return nil }
            let state: String
            switch f.kind {
            case .assistingStateSelected:
                guard let x = f[.state] else { return nil }
                state = x
            case .scopeAgreed, .collaborationOffered: state = f.actor
            default: return nil
            }
            guard Codes.isMemberState(state) else { return nil }
            let role = Sentence.Arg.part(Sentence(f.kind == .collaborationOffered ? "msg.presence.offered" : "msg.presence.assists"))
            let args: [String: Sentence.Arg] = ["state": .subject(state), "role": role, "case": .text(c.caseName), "day": .text(f.day)]
            if state == s.requesting { return Sentence("msg.presence.requesting", args) }
            if state == country { return Sentence("msg.presence.receiving", args) }
            guard c.network.offices[state]?[country] == nil else { return nil }
            return Sentence("msg.presence.office", args.merging(["country": .name(country)]) { a, _ in a })
        })
}
