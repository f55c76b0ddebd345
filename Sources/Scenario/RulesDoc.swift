import Agreement

/// docs/rules.md: the rule catalog as the verifier applies it, generated from the rules
/// themselves (`Sources/Agreement/Rules/`), so the page and the code cannot disagree.
package enum RulesDoc {
    package static func markdown() -> String {
        var out = """
            # Rule catalog

            Generated from `Sources/Agreement/Rules/` (one file per Article) by `amparo catalog rules`; a
            test keeps this page equal to it, and checks that every quotation is the Agreement's own words
            (`Fixtures/agreement/draft-agreement.txt`, the draft of `../shared/seeds/001_…txt`).
            `amparo verify` reports every breach with the rule id, the Article, the force of its words,
            the event and its sequence number, the case, the actor and a sentence a lawyer can read
            ("Article 5 ¶1 (shall): …"). The write path (`amparo append` and the event commands) refuses
            an act that would add a breach, with the same sentence and exit status
            1, unless `--record-violations` (historic records), after which `verify` reports it.

            ## What a recorded breach does to the case

            - **`AUTHORITY` and `SIGNATURE` are never recorded**, with or without
              `--record-violations`: an act its signer may not make (another State's act, another
              State's case, a key not registered to the actor at the act) would let one key change
              what another actor owns. The write path refuses it (exit 1) and never suggests the flag.
              One that arrives by bundle (or was signed with a key revoked later) is kept in the log as
              evidence, reported by `verify`, `replay` and the console, and **folded as if absent**: it
              changes no case, no projection and no report, on any node.
            - **`LIFECYCLE`** (an act out of order, or naming what the ledger does not hold) recorded
              with `--record-violations` is folded where it happened: an act after a conclusion
              updates the case (a second conclusion keeps the first date; a presentation before the
              conclusion counts as a presentation). A malformed event (possible only by import) is not
              folded.
            - **The Agreement's rules** (`ART…`) judge acts of the right actor: recorded with the flag,
              the act is folded like a lawful one (a selection of a State that is not a Party makes
              it the assisting State; a protection act outside the agreed scope counts as provided),
              and `verify` reports the breach for as long as it stands.
            - **A pending reference is no breach**: an agreement on scope answering a formal request
              note, or a reimbursement of a claim, that this node does not hold yet (another State's
              act that has not arrived) is recorded, listed by `verify` as pending and settled
              silently when that act arrives. A reimbursement is `LIFECYCLE` only when the case holds
              the claim and it was made after the reimbursement.

            Acts are judged in the order they happened (`occurred`, ties by sequence), with the Network's
            facts (declared offices, focal points, meetings) as they stood at the act. Dated facts count from
            their date, however late they were recorded: the Agreement is in force from the approval date
            (Art. 9) and a State is a Party from its `effective` date (Art. 7.2). A late record re-checks its
            case.

            ## Force

            The Agreement says "shall", "should" and "may not", and its preamble (Whereas II) calls it a
            framework instrument, not binding: "this regional cooperation mechanism shall be a framework
            instrument for Member States, which shall decide in an individual and sovereign manner in which
            cases it is appropriate to apply the instrument". Each rule carries the force of the words it
            enforces, so an auditor can tell a breach of a duty (`shall`, `may not`) from a departure from a
            recommendation (`should`). `integrity` marks the ledger's own rules: a record that cannot be
            trusted as written. The force changes no exit status and no refusal.

            | rule id | Article | force | the transition is a breach when |
            | --- | --- | --- | --- |

            """
        for rule in Rules.catalog {
            out += "| `\(rule.id.rawValue)` | \(rule.article ?? "-") | \(rule.force.rawValue) | \(rule.summary) |\n"
        }
        out += "\n## The rules, with the words they enforce\n"
        for rule in Rules.catalog {
            out += "\n### `\(rule.id.rawValue)`\n\n"
            out += "Article: \(rule.article ?? "-"). Force: **\(rule.force.rawValue)**. "
            switch rule.judgement {
            case .byLedger: out += "Judged by the Ledger's verifier.\n\n"
            case .eachAct: out += "Judged on each act.\n\n"
            case .wholeHistory: out += "Judged on the whole history (it needs acts after the one it is reported on).\n\n"
            }
            for q in rule.words { out += "> \(q.text) (\(q.source))\n\n" }
            out += "Breached when \(rule.summary).\n"
            if !rule.interpretation.isEmpty {
                out += "\nHow the text is read:\n\n"
                for note in rule.interpretation { out += "- \(note)\n" }
            }
        }
        return out
    }
}
