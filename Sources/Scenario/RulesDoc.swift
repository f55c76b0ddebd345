import Agreement

/// docs/rules.md: the rule catalog as the verifier applies it.
public enum RulesDoc {
    public static func markdown() -> String {
        var out = """
            # Rule catalog

            Generated from `Sources/Agreement/Rules.swift` by `amparo catalog rules`; a test keeps this page
            equal to it. `amparo verify` reports every breach with the rule id, the Article, the event and
            its sequence number, the case, the actor and a sentence a lawyer can read. The write path
            (`amparo append` and the event commands) refuses an act that would add a breach, with the same
            sentence and exit status 1, unless `--record-violations` (historic records), after which
            `verify` reports it.

            Acts are judged in the order they happened (`occurred`, ties by sequence), with the Network's
            facts (Parties, declared offices, focal points, meetings) as they stood at the act. A late record
            re-checks its case. `ART7.7-PRESENTATION` is judged on the whole history and reported on the
            case's conclusion; recording a meeting as held is never refused because a case was not presented
            there (that omission is the requesting State's).

            | rule id | Article | the transition is a breach when |
            | --- | --- | --- |

            """
        for rule in Rules.catalog {
            out += "| `\(rule.id)` | \(rule.article ?? "-") | \(rule.summary) |\n"
        }
        out += """

            Decisions where the Agreement is silent:
            - `AUTHORITY` uses the "recorded by" column of docs/events.md; a State other than the selected one
              agreeing scope or acting is `ART5-SELECTION`, not `AUTHORITY`.
            - `LIFECYCLE` also covers an event that is not a well-formed event of the catalog (possible only
              for events recorded by bundle import; the write path refuses them with exit status 2), a
              reimbursement of a claim the case does not hold, and a correction of an event it does not hold.
              After a conclusion or withdrawal only costs, claims, reimbursements, the presentation, the
              erasure of personal data and corrections may follow.
            - `ART7.2-PARTY` is checked for the requesting State at filing, for the selected State at its
              selection and for the State agreeing scope.
            - `ART7.3-UNREPRESENTED` uses the requesting State's declaration in force at filing; it is not
              checked for a requesting State that is not a Member State (`ART7.1-NATIONALITY` says so).
            - `ART4-PRESENCE` is checked at an offer of collaboration, at the selection and at the agreement on
              scope, against the State's declaration in force then.
            - `ART5-SCOPE` compares the action kind with the scope the acting State agreed.
            - `ART8-COSTS`: the payer must be IOM or the State of nationality.
            - `ART7.7-PRESENTATION`: "the following meeting" is the first meeting held on a date after the
              conclusion's date; presenting at a later meeting is still a breach (the sentence says so).

            """
        return out
    }
}
