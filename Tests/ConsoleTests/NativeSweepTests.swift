import Foundation
import Hummingbird
import HummingbirdTesting
import L10n
import Ledger
import TestSupport
import Testing

@testable import Agreement
@testable import Console

/// Issue 26, "Done when": every report, every console page and every command-line output the
/// golden files cover, rendered in each language over the demo ledger, reads in that language
/// alone. What the officers recorded (free text, cities, offices, notes) is theirs, as written,
/// and is taken out before the scan; everything else is the product's.
@Suite("Every published text reads in its own language", .serialized)
struct NativeSweepTests {
    /// A text as one reader sees it: where it comes from, and whether it is published prose (a
    /// report, a console page) or a command line's table.
    struct Text {
        let source: String
        let body: String
        let prose: Bool
        let report: Bool
    }

    /// Every text in `language`.
    static func texts(_ language: Language) async throws -> [Text] {
        let lang = language.rawValue
        func cli(_ args: [String], inLanguage: Bool = true) throws -> String {
            let r = try TestSupport.run(args + ["--ledger", Demo.path, "--quiet"] + (inLanguage ? ["--lang", lang] : []))
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return r.stdout
        }
        let meetings =
            try JSONParser.parse(try cli(["meeting", "list", "--format", "json"], inLanguage: false)).arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        let cases = try JSONParser.parse(try cli(["cases", "--format", "json"])).arrayValue?.compactMap { $0["case"]?.stringValue } ?? []
        #expect(meetings.count == 8 && cases.count == 40)
        var out: [Text] = []
        for m in meetings {
            out.append(Text(source: "report \(m) md", body: try cli(["report", "meeting", m, "--format", "md"]), prose: true, report: true))
            out.append(Text(source: "report \(m) html", body: plain(try cli(["report", "meeting", m, "--format", "html"])), prose: true, report: true))
        }
        // The command line's tables keep ISO dates; a Markdown workload is a document to publish.
        for args in [
            ["workload"], ["workload", "--format", "md"], ["workload", "--from", "2015-01-01", "--to", "2015-12-31", "--format", "md"],
            ["workload", "--from", "2015-01-01", "--to", "2015-12-31"], ["cases"],
        ] {
            out.append(Text(source: args.joined(separator: " "), body: try cli(args), prose: args.contains("md"), report: args.contains("md")))
        }
        let console = try Demo.console()
        console.verifyIfGrown()
        let pages =
            ["/", "/cases", "/meetings", "/proof/1", "/proof/177"] + cases.map { "/cases/\($0)" } + meetings.map { "/meetings/\($0)" }
            + meetings.flatMap { ["/meetings/\($0)/report.md", "/meetings/\($0)/report.html"] }
        let rendered = try await Application(router: console.router()).test(.router) { client in
            var got: [Text] = []
            for page in pages {
                let r = try await client.get(page + "?lang=" + lang)
                #expect(r.status == .ok, "\(page)")
                // A meeting's page is its report.
                let report = page.hasPrefix("/meetings/")
                got.append(Text(source: "console \(page)", body: page.hasSuffix(".md") ? r.body : plain(r.body), prose: true, report: report))
            }
            return got
        }
        return out + rendered
    }

    /// HTML as a reader sees it: one line per block, tags gone, entities read; a table's cells
    /// and preformatted text (a checkpoint, commands) on lines of their own, marked `\t`.
    static func plain(_ html: String) -> String {
        var s = html
        for (pattern, with) in [
            (#"(?s)<(script|style)[^>]*>.*?</\1>"#, ""), (#"(?s)<pre[^>]*>.*?</pre>"#, "\n\t\n"),
            (#"(?s)<(td|th)[^>]*>.*?</\1>"#, "\n\t\n"),
            (#"<(/?(p|div|li|h[1-6]|tr|table|section|header|footer|nav|dt|dd|ul|ol|br|summary|details|figcaption|caption|form|label|option))\b[^>]*>"#, "\n"),
            (#"<[^>]+>"#, ""),
        ] {
            s = s.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
        }
        for (entity, char) in [("&#39;", "'"), ("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "), ("&#x2F;", "/"), ("&amp;", "&")] {
            s = s.replacingOccurrences(of: entity, with: char)
        }
        return s
    }

    /// What the officers recorded, as written: every text and free-text field of every act (the
    /// words this node holds), longest first. Observers are not among them: the product names
    /// organisations in the reader's language.
    static let recorded: [String] = {
        guard let log = try? TestSupport.run(["log", "--format", "json", "--ledger", Demo.path]),
            let events = try? JSONParser.parse(log.stdout).arrayValue
        else { return [] }
        var texts = Set<String>()
        for e in events {
            // Key events hold codes and keys, not officers' words.
            guard let type = e["type"]?.stringValue, let spec = Catalog.spec(named: type), !spec.type.isKeyEvent else { continue }
            for field in spec.fields {
                switch field.kind {
                case .text: if let v = e["payload"]?[field.name]?.stringValue { texts.insert(v) }
                case .words: if let v = e["words"]?[field.name]?.stringValue { texts.insert(v) }
                case .offices:
                    for o in e["payload"]?[field.name]?.arrayValue ?? [] {
                        for c in o["cities"]?.arrayValue ?? [] { c.stringValue.map { _ = texts.insert($0) } }
                    }
                default: break
                }
            }
        }
        return texts.filter { $0.count > 1 }.sorted { $0.count > $1.count }
    }()

    /// `text` without what the officers recorded and the log's identifiers (event types, key
    /// names, hashes, signatures).
    static func product(_ text: String) -> String {
        var s = text
        for r in recorded { s = s.replacingOccurrences(of: r, with: " ⟨recorded⟩ ") }
        for type in Catalog.specs.map(\.name) { s = s.replacingOccurrences(of: type, with: " ") }
        // Key names (`IOM+6b784394`: the actor's code and the key's hash), then hashes and signatures.
        s = s.replacingOccurrences(of: #"[A-Za-z0-9.\-/]+\+[0-9a-f]{8}\b"#, with: " ", options: .regularExpression)
        return s.replacingOccurrences(of: #"[A-Za-z0-9+/=]{40,}"#, with: " ", options: .regularExpression)
    }

    /// The other language's words: its catalog values of the controlled vocabularies (States and
    /// countries, categories, outcomes, statuses, action kinds, event names, months, forces,
    /// organisations) that this language writes otherwise, and the other's names of the countries
    /// the catalog does not name.
    static func foreign(in language: Language) -> [String] {
        let other: Language = language == .es ? .en : .es
        let mine = Localizer(language)
        let theirs = Localizer(other)
        let families = ["category.", "nature.", "outcome.", "status.", "action.", "country.", "org.", "event.", "month.", "force.", "phrase."]
        var words = Set<String>()
        for key in Catalogs.keys(other) where families.contains(where: key.hasPrefix) {
            let word = theirs(key)
            if !mine.has(key) || mine(key) != word { words.insert(word) }
        }
        for code in CountryTable.names.keys {
            let name = other == .en ? Codes.label(code) : (theirs.regionName(code) ?? "")
            let own = language == .en ? Codes.label(code) : (mine.regionName(code) ?? "")
            if !name.isEmpty, name != own { words.insert(name) }
        }
        // A word both languages write (a name, an acronym) in some other key is no foreign word.
        let shared = Set(Catalogs.keys(language).map { mine($0) })
        return words.filter { !shared.contains($0) && $0.count > 2 }.sorted()
    }

    /// True when `phrase` stands in `text` as words of their own (not inside a longer word).
    static func contains(_ text: String, word phrase: String) -> Bool {
        var from = text.startIndex
        while let r = text.range(of: phrase, range: from..<text.endIndex) {
            let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
            let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
            func isWord(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
            if !isWord(before), !isWord(after) { return true }
            from = r.upperBound
        }
        return false
    }

    @Test(
        "in Spanish and in English: no word of the other language's controlled vocabularies or organisation names outside what officers recorded, no ISO date inside a sentence, no ¶, no command in a published report",
        arguments: Language.allCases)
    func sweep(_ language: Language) async throws {
        let texts = try await Self.texts(language)
        #expect(texts.count == 90)
        let foreign = Self.foreign(in: language)
        #expect(foreign.count > 100, "\(foreign.count)")
        // The list holds what it must: the other language's organisations, a State, a category, a non-member country.
        let expected = language == .es ? ["IOM", "UNHCR", "Mexico", "natural disaster", "Italy"] : ["OIM", "ACNUR", "México", "desastre natural", "Italia"]
        #expect(expected.allSatisfy(foreign.contains), "\(foreign)")
        for text in texts {
            let product = Self.product(text.body)
            for word in foreign where Self.contains(product, word: word) {
                let line = product.split(separator: "\n").first { Self.contains(String($0), word: word) } ?? ""
                Issue.record("\(language) \(text.source): \"\(word)\" in: \(line.prefix(300))")
            }
            #expect(!product.contains("¶"), "\(language) \(text.source)")
            if text.report {
                #expect(!text.body.contains("amparo "), "\(language) \(text.source) names a command")
                #expect(!text.body.contains("`"), "\(language) \(text.source) quotes code")
            }
            if text.prose, let line = Self.isoDateInSentence(product) {
                Issue.record("\(language) \(text.source): an ISO date in a sentence: \(line)")
            }
        }
    }

    /// The first sentence holding an ISO date: a line of at least four words that ends as a
    /// sentence does, outside a table (Markdown `|` rows, HTML cells and preformatted text are
    /// marked apart); a meeting id (`2015-11-09-mexico-city`) is no date.
    static func isoDateInSentence(_ text: String) -> String? {
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard !line.hasPrefix("|"), !line.hasPrefix("\t"), line.split(separator: " ").count >= 4, let last = line.last, ".:;?)".contains(last)
            else { continue }
            if line.range(of: #"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])"#, options: .regularExpression) != nil { return line }
        }
        return nil
    }

    @Test("the scan finds what it looks for: an English category, organisation or date planted in a Spanish sentence is reported")
    func sweepFinds() {
        let foreign = Self.foreign(in: .es)
        for planted in ["Naturaleza de la situación: natural disaster en Italia.", "observadores: IOM y ACNUR.", "presentado en Italy."] {
            #expect(foreign.contains { Self.contains(Self.product(planted), word: $0) }, "\(planted): \(foreign)")
        }
        for clean in ["Naturaleza de la situación: un desastre natural en Italia.", "observadores: OIM y ACNUR.", "case.request_filed"] {
            #expect(!foreign.contains { Self.contains(Self.product(clean), word: $0) }, "\(clean)")
        }
        #expect(Self.isoDateInSentence("El Salvador registró el 2015-07-02 un costo.") != nil)
        #expect(Self.isoDateInSentence("El Salvador registró el 2 de julio de 2015 un costo.") == nil)
        #expect(Self.isoDateInSentence("| Guatemala | 2015-07-02 | 4 | 5 |") == nil)
        #expect(Self.isoDateInSentence("Próxima reunión de la Red: 2016-05-16-guatemala-city, en Guatemala.") == nil)
        #expect(Self.isoDateInSentence(Self.plain("<p>Se registraron <b>casos</b> hasta el día:</p><table><tr><td>2015-01-01</td></tr></table>")) == nil)
        #expect(Self.isoDateInSentence(Self.plain("<p>Se registraron <b>casos</b> hasta el 2015-01-01.</p>")) != nil)
    }

    @Test("the dashboard's obligations agree with their count: 1 concluido y no presentado, 0 casos abiertos; the checkpoint link in the page's language")
    func countedLabels() async throws {
        let console = try Demo.console()
        try await Application(router: console.router()).test(.router) { client in
            let es = try await client.get("/?lang=es").body
            #expect(es.contains("<strong>1</strong> concluido y no presentado en la reunión siguiente a su conclusión (Art. 7.7)"), "\(es)")
            #expect(es.contains("<strong>0</strong> casos abiertos sin nota de solicitud formal todavía (Art. 6)"))
            #expect(es.contains(">punto de control</a>"))
            let en = try await client.get("/?lang=en").body
            #expect(en.contains("<strong>1</strong> concluded and not presented at the meeting after its conclusion (Art. 7.7)"))
            #expect(en.contains("<strong>0</strong> open cases with no formal request note yet (Art. 6)"))
            #expect(en.contains(">checkpoint</a>"))
        }
    }
}
