import L10n

/// A sentence a rule says about an act, in any language: a catalog key (`msg.…`) and its
/// arguments. English renders exactly as the rules always wrote (the English catalog holds their
/// words); Spanish from the Spanish catalog (docs/i18n.md).
package struct Sentence: Hashable, Sendable {
    package enum Arg: Hashable, Sendable {
        /// As is: a date, an id, an amount, recorded text.
        case text(String)
        /// A State's or actor's name in a sentence ("the United States", "Estados Unidos").
        case name(String)
        /// The same at the start of a sentence ("The United States").
        case subject(String)
        /// Codes as table labels, joined by ", ".
        case labels([String])
        /// What an act is ("a formal request note", "legal orientation"): the English as the
        /// catalog words it, with the event type and action kind for the other languages.
        case phrase(english: String, type: String, kind: String?)
        /// Action kinds, each as a phrase, joined by ", ".
        case actions([String])
        /// A part of the sentence that is a sentence of its own.
        case part(Sentence)
    }

    package let key: String
    package let args: [String: Arg]

    package init(_ key: String, _ args: [String: Arg] = [:]) {
        self.key = key
        self.args = args
    }

    /// The sentence in `t`'s language.
    package func render(_ t: Localizer) -> String {
        t(key, args.mapValues { Sentence.render($0, t) })
    }

    /// The sentence in English.
    package var english: String { render(Localizer(.en)) }

    static func render(_ arg: Arg, _ t: Localizer) -> String {
        switch arg {
        case .text(let s): return t.proseValue(s)
        case .name(let code): return t.name(code)
        case .subject(let code):
            if t.language == .en { return Codes.subject(code) }
            let n = t.name(code)
            return n.prefix(1).uppercased() + n.dropFirst()
        case .labels(let codes): return codes.map(t.label).joined(separator: ", ")
        case .phrase(let english, let type, let kind):
            if t.language == .en { return english }
            if let kind, t.has("action." + kind) { return t("action." + kind) }
            return t.has("phrase." + type) ? t("phrase." + type) : english
        case .actions(let kinds):
            return kinds.map { t.language == .en ? Codes.actionPhrase($0) : t.has("action." + $0) ? t("action." + $0) : Codes.actionPhrase($0) }
                .joined(separator: ", ")
        case .part(let s): return s.render(t)
        }
    }
}

extension Sentence {
    /// "Managua, Nicaragua": a city (if any) and a country's name.
    static func place(city: String?, country: String) -> Arg {
        .part(Sentence("msg.place", ["city": .text(city.map { $0 + ", " } ?? ""), "country": .name(country)]))
    }
}

extension Fact {
    /// What this act is, as a sentence argument.
    var phraseArg: Sentence.Arg {
        .phrase(english: phrase, type: type, kind: kind == .protectionActionRecorded ? self[.kind] : nil)
    }
}
