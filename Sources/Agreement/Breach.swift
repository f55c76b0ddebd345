import Ledger

/// A rule a ledger entry breaks, as `verify` reports it.
///
/// JSON shape: `{"rule", "article", "force", "seq", "event", "case", "actor", "message"}`;
/// `article` is null for the rules without one (`INTEGRITY`, `SIGNATURE`, `AUTHORITY`,
/// `LIFECYCLE`), whose `force` is `integrity`; the Agreement's rules say `shall`, `should` or
/// `may not`.
package struct Breach: Hashable, Sendable {
    package let rule: String
    package let article: String?
    /// How binding the words breached are: `shall`, `should`, `may not`, or `integrity`.
    package let force: String
    package let seq: UInt64?
    package let event: String?
    package let caseID: String?
    package let actor: String?
    package let message: String
    /// What the rule said, for other languages than English (nil for the Ledger's findings, which
    /// are English only).
    package let sentence: Sentence?

    package init(
        rule: String, article: String? = nil, force: String = "integrity", seq: UInt64?, event: String?, caseID: String?,
        actor: String?, message: String, sentence: Sentence? = nil
    ) {
        self.rule = rule
        self.article = article
        self.force = force
        self.seq = seq
        self.event = event
        self.caseID = caseID
        self.actor = actor
        self.message = message
        self.sentence = sentence
    }

    /// A breach of `rule` (its id, Article and force).
    package init(_ rule: Rule, seq: UInt64?, event: String?, caseID: String?, actor: String?, message: String) {
        self.init(
            rule: rule.id.rawValue, article: rule.article, force: rule.force.rawValue, seq: seq, event: event, caseID: caseID,
            actor: actor, message: rule.sentence(message))
    }

    /// The Ledger verifier's finding as the breach of the rule that names its check.
    package init(_ finding: Finding) {
        let rule: Rule
        switch finding.check {
        case .integrity: rule = Rules.integrity
        case .signature: rule = Rules.signature
        case .keyAuthority: rule = Rules.authority
        }
        self.init(rule, seq: finding.seq, event: finding.event, caseID: finding.caseID, actor: finding.actor, message: finding.message)
    }

    package var json: JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            "rule": .string(rule), "article": opt(article), "force": .string(force), "seq": seq.map { .number(Double($0)) } ?? .null,
            "event": opt(event), "case": opt(caseID), "actor": opt(actor), "message": .string(message),
        ])
    }
}

/// What `verify` found: the Ledger's findings and the Agreement's breaches, as breaches; the
/// origins this node holds fork evidence of; and the pending references (not breaches).
package struct VerificationReport: Sendable {
    package let ledger: String
    package let events: UInt64
    package var breaches: [Breach]
    /// Every origin that signed two histories, with the sizes of its two checkpoints, as the
    /// evidence this node holds shows (`amparo peers`).
    package var forks: [(origin: String, sizes: [UInt64])] = []
    /// Acts that name another State's act this node does not hold yet.
    package var pending: [PendingReference] = []
    /// Clean: no breach and no fork (pending references are not findings).
    package var ok: Bool { breaches.isEmpty && forks.isEmpty }

    package init(ledger: String, events: UInt64, breaches: [Breach]) {
        self.ledger = ledger
        self.events = events
        self.breaches = breaches
    }

    /// The Ledger verifier's report, its findings as breaches.
    package init(_ report: LedgerReport) {
        self.init(ledger: report.ledger, events: report.events, breaches: report.findings.map(Breach.init))
    }

    package var json: JSONValue {
        .object([
            "ledger": .string(ledger), "events": .number(Double(events)), "ok": .bool(ok),
            "breaches": .array(breaches.map(\.json)),
            "forks": .array(forks.map { .object(["origin": .string($0.origin), "sizes": .array($0.sizes.map { .number(Double($0)) })]) }),
            "pending": .array(pending.map(\.json)),
        ])
    }
}
