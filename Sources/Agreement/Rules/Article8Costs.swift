extension Rules {
    package static let costs = Rule(
        id: .costs, article: "8", force: .shall,
        words: [
            Quotation(
                "Art. 8",
                "The implementation costs for this mechanism shall be covered with support from the International Organization for Migration – IOM – when appropriate and to the extent of its possibilities, and by the country of citizenship of the person receiving protection."
            )
        ],
        summary: "a cost is borne by, or a reimbursement claimed from, anyone other than IOM or the State of nationality",
        interpretation: [
            "A cost's `payer` and a reimbursement claim's `from` must be IOM or the State of nationality.",
            "The Agreement sets no term within which a claim falls due: the Network sets one (`network.reimbursement_term_set`, recorded by the Secretariat with the decision it comes from), and until it does a claim has 12 months, the EU's practice (Directive (EU) 2015/637, Art. 14), which every view that shows the term says is the default. A claim keeps the term in force on the day it was made. The term only marks a claim overdue in views; it is no breach.",
        ],
        judgement: .eachAct { c in
            let f = c.fact
            guard let r = c.requesting else { return nil }
            let amount = "\(f[.amount] ?? "?") \(f[.currency] ?? "")"
            switch f.kind {
            case .costRecorded:
                guard let payer = f[.payer], payer != Codes.iom, payer != r else { return nil }
                return Sentence(
                    "msg.costs.cost",
                    [
                        "actor": c.actorArg, "day": .text(f.day), "amount": .text(amount), "case": .text(c.caseName), "payer": .name(payer),
                        "requesting": .name(r),
                    ])
            case .reimbursementClaimed:
                guard let from = f[.from], from != Codes.iom, from != r else { return nil }
                return Sentence(
                    "msg.costs.claim",
                    ["actor": c.actorArg, "day": .text(f.day), "amount": .text(amount), "case": .text(c.caseName), "from": .name(from), "requesting": .name(r)])
            default:
                return nil
            }
        })
}
