import Foundation
import L10n

extension Localizer {
    /// A State's or actor's name as a sentence says it: in English `Codes.name` ("the United
    /// States"); in Spanish the catalog's name ("Estados Unidos", "México"), else the CLDR's
    /// ("Italia"), else the English label.
    package func name(_ code: String) -> String {
        if language == .en { return Codes.name(code) }
        return has("country." + code) ? self("country." + code) : regionName(code) ?? Codes.label(code)
    }

    /// A State's name in a table or chart: "United States", "México".
    package func label(_ code: String) -> String {
        if language == .en { return Codes.label(code) }
        return name(code)
    }

    /// Action kinds as a reader says them, joined: "a consular visit, good offices" / "una visita
    /// consular, buenos oficios".
    package func actions(_ kinds: [String]) -> String {
        list(kinds.map { language == .en || !has("action." + $0) ? Codes.actionPhrase($0) : self("action." + $0) })
    }

    /// An Art. 7.4 category as a reader says it ("natural disaster", "desastre natural").
    package func category(_ code: String) -> String {
        has("category." + code) ? self("category." + code) : code.replacingOccurrences(of: "_", with: " ")
    }

    /// An Art. 7.4 category as a sentence names the situation ("a natural disaster", "otra
    /// situación"); the category's label when it has no such phrase.
    package func nature(_ code: String) -> String { has("nature." + code) ? self("nature." + code) : category(code) }

    /// An outcome as a reader says it ("declined by migrant"; "open" when there is none yet).
    package func outcome(_ code: String?) -> String {
        let code = code ?? "open"
        return has("outcome." + code) ? self("outcome." + code) : code.replacingOccurrences(of: "_", with: " ")
    }

    /// One line about a case: id, status, parties, location, outcome. English: `summaryLine`, as
    /// `replay` always printed it; otherwise the same parts in this language.
    package func summaryLine(_ s: CaseState) -> String {
        if language == .en { return s.summaryLine }
        var parts = [s.id, self("summary.status", ["status": has("status." + s.status.rawValue) ? self("status." + s.status.rawValue) : s.status.rawValue])]
        parts.append(self("summary.requesting", ["code": s.requesting]))
        if let a = s.assisting { parts.append(self("summary.assisting", ["code": a])) }
        if let c = s.locationCountry { parts.append(self("summary.location", ["place": "\(s.locationCity.map { "\($0), " } ?? "")\(c)"])) }
        if let o = s.outcome { parts.append(self("summary.outcome", ["outcome": outcome(o)])) }
        return parts.joined(separator: "  ")
    }

    /// "Canada, Costa Rica and the United States" / "Canadá, Costa Rica y Estados Unidos".
    package func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + self("list.and") + names.last!
    }

    /// A breach as a sentence in this language: its Article and force, then what the rule said of
    /// the act (English: `message`, as always). A finding of the Ledger's verifier has no sentence
    /// in other languages: the rule's catalog sentence stands for it (docs/i18n.md).
    /// In published prose (``Localizer/prose``) the English too is rendered from the sentence,
    /// its dates written out.
    package func breach(_ b: Breach) -> String {
        if language == .en && (!prose || b.sentence == nil) { return b.message }
        let said = b.sentence.map { $0.render(self) } ?? self("rule." + b.rule)
        guard let article = b.article else { return said }
        return self("breach.sentence", ["article": self.article(article), "force": self("force." + b.force), "summary": said])
    }

    /// "5, párrafo 1" / "5, paragraph 1" from "5 ¶1"; "7.3" as it is.
    package func article(_ article: String) -> String {
        let (number, paragraph) = Rule.parts(of: article)
        return paragraph.map { self("article.paragraph", ["article": number, "paragraph": $0]) } ?? number
    }
}

extension Localizer {
    /// How a reimbursement term reads: "12 months after the claim: the default, as the RCM's texts
    /// set no term (…)", or the term the Network set, from when and by what decision.
    package func term(_ term: ReimbursementTerm) -> String {
        let months = count(term.months, "count.month")
        guard let source = term.source, let effective = term.effective else { return self("term.default", ["months": months]) }
        return self("term.set", ["months": months, "date": proseValue(effective), "source": source])
    }

    /// The sentence a report states the term in: "Reimbursement claims fall due …".
    package func termSentence(_ term: ReimbursementTerm) -> String { self("term.sentence", ["term": self.term(term)]) }
}
