import Foundation
import Ledger

/// How binding the words a rule enforces are. The Agreement says "shall", "should" and "may
/// not", and its preamble (II) calls it a framework instrument that is not binding: an auditor
/// must see which is which. `integrity` is the ledger's own: a record that cannot be trusted as
/// written (INTEGRITY, SIGNATURE, AUTHORITY, LIFECYCLE).
package enum Force: String, Sendable, CaseIterable {
    case shall
    case should
    case mayNot = "may not"
    case integrity
}

/// The id of a rule: stable, in verify's output, refusals and docs (shared/docs/domain.md).
package enum RuleID: String, Sendable, CaseIterable, Comparable {
    case integrity = "INTEGRITY"
    case signature = "SIGNATURE"
    case authority = "AUTHORITY"
    case lifecycle = "LIFECYCLE"
    case inForce = "ART9-IN-FORCE"
    case nationality = "ART7.1-NATIONALITY"
    case party = "ART7.2-PARTY"
    case unrepresented = "ART7.3-UNREPRESENTED"
    case civilian = "ART7.4-CIVILIAN"
    case channel = "ART7.5-CHANNEL"
    case focalPoint = "ART7.6-FOCAL-POINT"
    case network = "ART7.6-NETWORK"
    case secretariat = "ART5-SECRETARIAT"
    case selection = "ART5-SELECTION"
    case presence = "ART4-PRESENCE"
    case priorRequest = "ART6-PRIOR-REQUEST"
    case scope = "ART5-SCOPE"
    case costs = "ART8-COSTS"
    case presentation = "ART7.7-PRESENTATION"

    /// Catalog order (the order of ``Rules/catalog``, which a test keeps equal to this one).
    package static func < (a: RuleID, b: RuleID) -> Bool { a.order < b.order }
    var order: Int { RuleID.allCases.firstIndex(of: self)! }

    /// Rules that find an omission a later record cures (the record may be dated before the act
    /// judged, and reach this node later): never grounds for refusing an act on the write path;
    /// `verify` reports what stays omitted.
    package var isCuredByLaterRecord: Bool { self == .presentation || self == .secretariat }

    /// The id of `text`, or nil when no rule has it.
    package init?(id text: String) { self.init(rawValue: text) }
}

extension RuleID: CustomStringConvertible {
    package var description: String { rawValue }
}

/// Words of a source a rule enforces: the Article (or document) and a short quotation, elisions
/// marked "…".
package struct Quotation: Sendable {
    /// "Art. 5 ¶1", "domain.md".
    package let source: String
    package let text: String
    init(_ source: String, _ text: String) {
        self.source = source
        self.text = text
    }
}

/// What a rule looks at: the act, the case before it (nil when the case does not exist yet), and
/// the Network as of the act.
package struct RuleContext {
    package let fact: Fact
    package let caseState: CaseState?
    package let network: NetworkState

    var actorName: String { Codes.subject(fact.actor) }
    /// The actor at the start of a sentence, as a sentence argument.
    var actorArg: Sentence.Arg { .subject(fact.actor) }
    var requesting: String? { caseState?.requesting ?? fact.caseID.flatMap { CaseID($0)?.state } }
    /// The case id as a sentence names it.
    var caseName: String { fact.caseID ?? "?" }
    /// True when the case is filed (the rules about a case's acts need the filing).
    var filed: CaseState? { caseState.flatMap { $0.filed == nil ? nil : $0 } }
}

/// A breach found on the whole history (Art. 7.7), reported on one event of a case.
package struct HistoryFinding: Sendable {
    package let caseID: String
    package let seq: UInt64?
    package let event: EventID
    package let actor: String
    package let sentence: Sentence
    /// The sentence in English.
    package var message: String { sentence.english }
}

/// When a rule is judged.
package enum Judgement: Sendable {
    /// By the Ledger's verifier (bytes, hashes, signatures): INTEGRITY, SIGNATURE.
    case byLedger
    /// On each act, with the case and the Network as they stood before it. Answers nil when the
    /// act satisfies the rule, or a sentence a lawyer can read when it does not.
    case eachAct(@Sendable (RuleContext) -> Sentence?)
    /// On the whole history, once every act is folded ("the following meeting" needs the
    /// meetings after a conclusion).
    case wholeHistory(@Sendable (World) -> [HistoryFinding])
}

/// One rule of the Agreement: its id, the Article whose words it enforces, their force and the
/// words themselves, where the text is silent how it is read and why, and its judgement.
package struct Rule: Sendable {
    package let id: RuleID
    /// "7.3", "5 ¶2", … (nil for INTEGRITY, SIGNATURE, AUTHORITY, LIFECYCLE).
    package let article: String?
    package let force: Force
    /// The words it enforces.
    package let words: [Quotation]
    /// When the rule is breached, as the catalog says it.
    package let summary: String
    /// How the rule reads the text where it is silent, and where that reading comes from.
    package let interpretation: [String]
    package let judgement: Judgement

    /// The sentence with its Article and force in front: "Article 6 (may not): Costa Rica recorded …",
    /// "Article 5, paragraph 1 (shall): …" (published prose spells the paragraph out).
    package func sentence(_ message: String) -> String {
        guard let article else { return message }
        let (number, paragraph) = Rule.parts(of: article)
        return "Article \(number)\(paragraph.map { ", paragraph \($0)" } ?? "") (\(force.rawValue)): \(message)"
    }

    /// An Article reference's number and paragraph: "5 ¶2" → ("5", "2"); "7.3" → ("7.3", nil).
    /// The `article` of JSON keeps the short form; prose spells it out.
    package static func parts(of article: String) -> (number: String, paragraph: String?) {
        guard let mark = article.range(of: " ¶") else { return (article, nil) }
        return (String(article[..<mark.lowerBound]), String(article[mark.upperBound...]))
    }

    /// A breach of this rule on `fact`.
    func breach(_ fact: Fact, _ said: Sentence) -> Breach {
        Breach(
            rule: id.rawValue, article: article, force: force.rawValue, seq: fact.seq, event: fact.id.description,
            caseID: fact.caseID, actor: fact.actor, message: sentence(said.english), sentence: said)
    }
}
