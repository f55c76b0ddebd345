extension Rules {
    package static let priorRequest = Rule(
        id: .priorRequest, article: "6", force: .mayNot,
        words: [
            Quotation(
                "Art. 6",
                "Support may not be provided without a prior formal request formulated by the interested Party in a note from the requesting country to the consular mission of the country that is being asked for assistance."
            )
        ],
        summary: "protection is provided before a formal request note was sent to that State",
        interpretation: ["The note must be addressed to the acting State (`to`): a note sent to another State does not count."],
        judgement: .eachAct { c in
            let f = c.fact
            guard f.kind == .protectionActionRecorded, let s = c.filed, s.formalRequests[f.actor] == nil else { return nil }
            return Sentence("msg.prior_request", ["actor": c.actorArg, "what": f.phraseArg, "day": .text(f.day), "requesting": .name(s.requesting)])
        })
}
