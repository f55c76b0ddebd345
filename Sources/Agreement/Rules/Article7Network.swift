// Article 7.6: focal points (shall) and the list of consular offices (should).
extension Rules {
    package static let focalPoint = Rule(
        id: .focalPoint, article: "7.6", force: .shall,
        words: [
            Quotation(
                "Art. 7.6", "Member States shall designate a focal point with the aim of establishing a network of e-mail addresses and telephone numbers")
        ],
        summary: "a State acts in a case without a designated focal point",
        interpretation: ["Checked on every case act by a Member State, against the designations made before the act."],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.caseID != nil, Codes.isMemberState(f.actor), c.network.focalPoints[f.actor] == nil else { return nil }
            return Sentence("msg.focal_point", ["actor": c.actorArg, "what": f.phraseArg, "case": .text(c.caseName), "day": .text(f.day)])
        })

    package static let network = Rule(
        id: .network, article: "7.6", force: .should,
        words: [
            Quotation(
                "Art. 7.6",
                "All Member States that decide to sign this Agreement should submit an updated list of the countries where they have consular offices.")
        ],
        summary: "a State files a request without having declared its consular network",
        interpretation: ["Checked at filing: without the requesting State's list, nobody can tell whether it has an office where its national is (Art. 7.3)."],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .requestFiled, let r = c.requesting, Codes.isMemberState(r), c.network.offices[r] == nil else { return nil }
            return Sentence("msg.network", ["state": .subject(r), "case": .text(c.caseName), "day": .text(f.day)])
        })
}
