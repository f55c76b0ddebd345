import Foundation
import Ledger

/// The screen for personal data in the free text of case events (GCM Objective 14(e)).
///
/// A case event's free text — protection required, details, summaries, lessons learned, reasons,
/// notes, the values of a correction — is searched for:
/// - the case's own vault entries (names, document numbers, contacts: ``terms``), whole words,
///   case and accents folded;
/// - patterns: e-mail addresses, telephone numbers, identity-document numbers, dates of birth.
///
/// A match is reported by field and kind, never echoing the text. The screen lowers the risk, it
/// is no guarantee: a name that is not in the vault, or written in a way no pattern covers, passes
/// (docs/privacy.md lists the patterns and their limits). Network events (offices, focal points'
/// office contacts, meetings) are not screened: they name institutions, not migrants.
package enum PersonalDataScreen {
    /// What was found: the field and the kind of data, never the data.
    package struct Finding: Sendable, Equatable {
        package let field: String
        package let kind: String

        package init(field: String, kind: String) {
            self.field = field
            self.kind = kind
        }

        /// A word of the case's vault entry (not a pattern such as an e-mail address).
        package var isVaultWord: Bool { kind == PersonalDataScreen.vaultKind }

        /// "field \"lessons\" holds an e-mail address".
        package var sentence: String { "field \"\(field)\" holds \(kind)" }
    }

    /// Bounds: texts longer than this are screened on their first `maximumText` characters only
    /// (the catalog bounds a text field to 2,000 characters; a correction's object is bounded by
    /// the draft's size).
    package static let maximumText = 100_000

    /// The patterns, with the kind of data each finds, in the order they are tried.
    static let patterns: [(kind: String, regex: NSRegularExpression)] = [
        ("an e-mail address", #"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#),
        // A keyword, then a date within a few words.
        (
            "a date of birth",
            #"(?i)(born|birth|d\.?o\.?b\.?|nacid[oa]|nacimiento|naissance|née?)\W+(\w+\W+){0,3}(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}\s+(de\s+)?[A-Za-zé]{3,}\.?(\s+(de\s+)?\d{2,4})?)"#
        ),
        // A document keyword, then something with digits.
        (
            "an identity-document number",
            #"(?i)\b(passport|pasaporte|passeport|dni|dui|curp|rfc|c[eé]dula|id\s+card|identity\s+card|document(o)?\s+(no|n[uú]mero|number)|visa\s+(no|number))\b\W{0,3}(no\.?|n\.?\s?[º°o]\.?|n\.|number|n[uú]mero|#)?\W{0,3}[A-Z0-9][A-Z0-9-]{3,}\d"#
        ),
        // Passport-like: one to three capitals then six to nine digits (G1234567), or a CURP.
        ("an identity-document number", #"\b[A-Z]{1,3}[0-9]{6,9}\b|\b[A-Z]{4}[0-9]{6}[HM][A-Z]{5}[0-9A-Z][0-9]\b"#),
        // A telephone number: "+" and 8 or more digits, or 9 or more digits in groups; not inside
        // an id (MX-2015-0001) or a date.
        ("a telephone number", #"(?<![\w-])(\+\s?[0-9][0-9 ().-]{6,}[0-9]|\(?[0-9]{2,4}\)?([ .-][0-9]{2,4}){2,4})(?![\w-])"#),
        // A long run of digits: a national identity or account number.
        ("an identity-document number", #"(?<![\w.-])[0-9]{9,18}(?![\w.-])"#),
    ].compactMap { kind, pattern in (try? NSRegularExpression(pattern: pattern)).map { (kind, $0) } }  // a test checks all six compile

    /// How many patterns compiled (all six: a test checks it).
    package static var patternCount: Int { patterns.count }

    static let vaultKind = "personal data of this case held in the vault"

    /// The findings in one text.
    package static func findings(in text: String, field: String, terms: [String]) -> [Finding] {
        findings(in: text, field: field, vault: vaultPattern(terms))
    }

    /// A case's vault words, folded once, for whole-word search.
    static func vaultPattern(_ terms: [String]) -> [String]? {
        let words = terms.filter { $0.count >= 3 }.map(fold)
        return words.isEmpty ? nil : words
    }

    /// True when `word` occurs in `text` as a whole word (no letter or digit on either side).
    static func containsWord(_ text: String, _ word: String) -> Bool {
        var from = text.startIndex
        while from < text.endIndex, let r = text.range(of: word, range: from..<text.endIndex) {
            let before = r.lowerBound > text.startIndex ? text[text.index(before: r.lowerBound)] : nil
            let after = r.upperBound < text.endIndex ? text[r.upperBound] : nil
            func isWordPart(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }
            if !isWordPart(before) && !isWordPart(after) { return true }
            from = text.index(after: r.lowerBound)
        }
        return false
    }

    /// The findings in one text, with the vault's words already folded. A pattern runs only on
    /// text that can hold what it finds (an "@" for an e-mail, a digit for the others).
    static func findings(in text: String, field: String, vault: [String]?) -> [Finding] {
        let text = String(text.prefix(maximumText))
        var out: [Finding] = []
        if let vault {
            let folded = fold(text)
            if vault.contains(where: { containsWord(folded, $0) }) {
                out.append(Finding(field: field, kind: vaultKind))
            }
        }
        let hasDigit = text.utf8.contains { (0x30...0x39).contains($0) }
        let hasAt = text.utf8.contains(0x40)
        guard hasDigit || hasAt else { return out }
        let range = NSRange(text.startIndex..., in: text)
        for (kind, regex) in patterns where out.allSatisfy({ $0.kind != kind }) {
            if kind == "an e-mail address" ? !hasAt : !hasDigit { continue }
            var found = false
            regex.enumerateMatches(in: text, range: range) { match, _, stop in
                if let match, accept(kind, match, in: text) {
                    found = true
                    stop.pointee = true
                }
            }
            if found { out.append(Finding(field: field, kind: kind)) }
        }
        return out
    }

    /// A telephone match needs enough digits (8 with "+", 9 without) and must not be a date.
    static func accept(_ kind: String, _ match: NSTextCheckingResult, in text: String) -> Bool {
        guard kind == "a telephone number", let r = Range(match.range, in: text) else { return true }
        let s = text[r]
        let digits = s.filter(\.isNumber).count
        if s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil { return false }
        return digits >= (s.hasPrefix("+") ? 8 : 9)
    }

    /// Every finding in the free text of a case event's payload (`type` its catalog type).
    package static func findings(type: EventType, payload: [String: JSONValue], terms: [String]) -> [Finding] {
        let spec = Catalog.spec(type)
        guard spec.isCaseEvent else { return [] }
        var out: [Finding] = []
        let vault = vaultPattern(terms)
        for field in spec.fields {
            guard let value = payload[field.name] else { continue }
            switch field.kind {
            case .text, .words, .object, .list(.text):
                for text in strings(in: value) { out += findings(in: text, field: field.name, vault: vault) }
            default:
                break
            }
        }
        return out
    }

    /// The string leaves of a value (keys of objects included: a correction's field names).
    static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let s): [s]
        case .array(let items): items.flatMap(strings)
        case .object(let o): o.flatMap { [$0.key] + strings(in: $0.value) }
        default: []
        }
    }

    /// Case and accents folded, for matching names however they were typed.
    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// The words a vault entry lends the screen: every string it holds, and each part of a name
    /// of four letters or more (a surname alone is still the person).
    package static func terms(fromVaultEntry entry: JSONValue) -> [String] {
        func leaves(_ v: JSONValue) -> [String] {
            switch v {
            case .string(let s): [s]
            case .array(let items): items.flatMap(leaves)
            case .object(let o): o.values.flatMap(leaves)
            default: []
            }
        }
        var out = leaves(entry).filter { $0.count >= 3 }
        for name in (entry["names"]?.arrayValue ?? []).compactMap(\.stringValue) {
            out += name.split(whereSeparator: { $0.isWhitespace || $0 == "-" }).map(String.init).filter { $0.count >= 4 }
        }
        return Array(Set(out)).sorted()
    }
}
