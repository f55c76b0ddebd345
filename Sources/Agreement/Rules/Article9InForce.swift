import Ledger

extension Rules {
    package static let inForce = Rule(
        id: .inForce, article: "9", force: .shall,
        words: [Quotation("Art. 9", "This Agreement shall enter into force on the date of approval by the Vice-Ministers of Member States of RCM.")],
        summary: "a case is filed before the Agreement entered into force",
        interpretation: [
            "The date that counts is the approval date (`agreement.entered_into_force`'s `date`), whenever the approval was recorded: a case filed on or after that date is lawful even when the approval's record came later. A State's `effective` date in `state.joined_agreement`/`state.left_agreement` is read the same way (ART7.2-PARTY).",
            "In force from 00:00 UTC of the approval date: a filing on that date is lawful, one the day before is not.",
        ],
        judgement: .eachAct { c in
            guard c.fact.kind == .requestFiled else { return nil }
            guard let date = c.network.inForce else {
                return Sentence("msg.in_force.none", ["actor": c.actorArg, "case": .text(c.caseName), "day": .text(c.fact.day)])
            }
            guard c.fact.occurred < date else { return nil }
            return Sentence("msg.in_force.before", ["actor": c.actorArg, "case": .text(c.caseName), "day": .text(c.fact.day), "date": .text(date.date)])
        })
}
