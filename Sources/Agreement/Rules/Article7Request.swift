// Article 7: "The request should comply with the following requirements" (1-5).
extension Rules {
    package static let nationality = Rule(
        id: .nationality, article: "7.1", force: .should,
        words: [Quotation("Art. 7.1", "The migrant should be a national of a Member State of RCM.")],
        summary: "the requesting State is not an RCM Member State",
        interpretation: ["The State of nationality is the case id's prefix, the State that files the request."],
        judgement: .eachAct { c in
            guard c.fact.kind == .requestFiled, let requesting = c.requesting, !Codes.isMemberState(requesting) else { return nil }
            return Sentence("msg.nationality", ["case": .text(c.caseName), "day": .text(c.fact.day), "state": .name(requesting)])
        })

    package static let party = Rule(
        id: .party, article: "7.2, 4", force: .should,
        words: [
            Quotation("Art. 7.2", "The Member State should have decided to be a party to this Agreement."),
            Quotation("Art. 4", "The consular officers of one of the Parties should provide consular protection"),
        ],
        summary: "the requesting State, or later the assisting State, was not a Party on that date",
        interpretation: [
            "Checked for the requesting State at filing, for the selected State at its selection, and for the State agreeing scope or acting (Art. 4: \"the consular officers of one of the Parties\").",
            "A State is a Party from 00:00 UTC of its `effective` date, whenever that decision was recorded, until the `effective` date of its leaving.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            switch f.kind {
            case .requestFiled:
                guard let r = c.requesting, Codes.isMemberState(r), !c.network.isParty(r, at: f.occurred) else { return nil }
                return Sentence("msg.party.filed", ["state": .subject(r), "case": .text(c.caseName), "day": .text(f.day)])
            case .assistingStateSelected:
                guard let s = f[.state], !c.network.isParty(s, at: f.occurred) else { return nil }
                return Sentence("msg.party.selected", ["actor": c.actorArg, "state": .name(s), "day": .text(f.day), "case": .text(c.caseName)])
            case .scopeAgreed, .protectionActionRecorded:
                guard Codes.isMemberState(f.actor), !c.network.isParty(f.actor, at: f.occurred) else { return nil }
                return Sentence("msg.party.acted", ["actor": c.actorArg, "what": f.phraseArg, "case": .text(c.caseName), "day": .text(f.day)])
            default:
                return nil
            }
        })

    package static let unrepresented = Rule(
        id: .unrepresented, article: "7.3", force: .should,
        words: [
            Quotation("Art. 7", "The request should comply with the following requirements:"),
            Quotation(
                "Art. 7.3",
                "A diplomatic representative or consular office of the country of origin of the migrant does not exist in the country where the migrant is."),
        ],
        summary: "the requesting State had a diplomatic or consular office in the location country, or the migrant is in the requesting State itself",
        interpretation: [
            "Uses the requesting State's declaration (`state.consular_network_declared`) in force at filing. A State that declared no network at all is ART7.6-NETWORK's breach, not this one: with no list there is no office to find.",
            "Not checked for a requesting State that is not a Member State (ART7.1-NATIONALITY says so).",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .requestFiled, let r = c.requesting, Codes.isMemberState(r),
                let country = f[.locationCountry]
            else { return nil }
            if country == r {
                return Sentence("msg.unrepresented.itself", ["state": .subject(r), "case": .text(c.caseName), "day": .text(f.day), "name": .name(r)])
            }
            guard c.network.offices[r]?[country] != nil else { return nil }
            let place = Sentence.place(city: f[.locationCity], country: country)
            return Sentence("msg.unrepresented.office", ["state": .subject(r), "case": .text(c.caseName), "day": .text(f.day), "place": place])
        })

    package static let civilian = Rule(
        id: .civilian, article: "7.4", force: .should,
        words: [
            Quotation(
                "Art. 7.4",
                "The requested consular protection should be linked to a violation of fundamental human rights by other civilians, and not by local State authorities"
            )
        ],
        summary: "the perpetrator is a State authority, or the category is not one listed",
        interpretation: [
            "The categories are the ones Art. 7.4 lists (children and adolescents, domestic violence, natural disasters, labour exploitation) and `other`."
        ],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .requestFiled else { return nil }
            if f[.perpetrator] == "state_authority" {
                return Sentence("msg.civilian.state", ["actor": c.actorArg, "case": .text(c.caseName), "day": .text(f.day)])
            }
            if let category = f[.category], !Codes.categories.contains(category) {
                return Sentence("msg.civilian.category", ["actor": c.actorArg, "case": .text(c.caseName), "day": .text(f.day), "category": .text(category)])
            }
            return nil
        })

    package static let channel = Rule(
        id: .channel, article: "7.5", force: .should,
        words: [
            Quotation(
                "Art. 7.5",
                "The request should be coordinated at a horizontal level by the Consular Directorate or Department of the country of origin of the migrant; and only as an exception, directly with local State authorities."
            )
        ],
        summary: "coordination goes to local authorities without a stated exception",
        interpretation: ["An exception is stated when `exception_reason` holds text other than white space."],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .requestFiled, f[.channel] == "local_authorities",
                (f[.exceptionReason] ?? "").allSatisfy(\.isWhitespace)
            else { return nil }
            return Sentence("msg.channel", ["actor": c.actorArg, "case": .text(c.caseName), "day": .text(f.day)])
        })
}
