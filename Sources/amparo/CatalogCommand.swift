import Agreement
import ArgumentParser
import L10n
import Scenario

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Print the event catalog (types, fields, who records them, examples) or the rule catalog.",
        discussion:
            "The event catalog is docs/events.md; the rule catalog is docs/rules.md. With --lang es, the rule catalog in Spanish: each rule's id, Article, force and when it is breached (the catalog is English unless --lang es is given, whatever the locale: docs/ is generated from it)."
            + " " + ExitStatus.reading)

    enum What: String, ExpressibleByArgument, CaseIterable { case events, rules }

    @Argument(help: "events or rules.")
    var what: What = .events

    @Option(help: ArgumentHelp("es: the rule catalog in Spanish (default: en, docs/rules.md).", valueName: "es|en"))
    var lang: String?

    func validate() throws {
        if let lang, Language(rawValue: lang) == nil { throw ValidationError("--lang \(lang) is not es or en") }
        if lang == "es", what == .events { throw ValidationError("--lang es is for the rule catalog (`amparo catalog rules --lang es`)") }
    }

    func run() throws {
        switch what {
        case .events: print(try CatalogDoc.markdown(), terminator: "")
        case .rules where lang == "es": print(Self.rules(Localizer(.es)), terminator: "")
        case .rules: print(RulesDoc.markdown(), terminator: "")
        }
    }

    /// The rule catalog as a table in `t`'s language: id, Article, force, when it is breached.
    static func rules(_ t: Localizer) -> String {
        var rows = [[t("rules.rule"), t("rules.article"), t("rules.force"), t("rules.breached")]]
        for rule in Rules.catalog {
            rows.append([
                "`\(rule.id.rawValue)`", rule.article.map { "\(t("finding.article", ["article": t.article($0)]))" } ?? t("rules.none"),
                t("force." + rule.force.rawValue), t("rule." + rule.id.rawValue),
            ])
        }
        let table = rows.enumerated().map { i, row in
            "| " + row.joined(separator: " | ") + " |" + (i == 0 ? "\n|" + String(repeating: " --- |", count: row.count) : "")
        }
        return "# \(t("rules.title"))\n\n\(t("rules.lead"))\n\n" + table.joined(separator: "\n") + "\n"
    }
}
