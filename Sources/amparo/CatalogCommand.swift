import Agreement
import ArgumentParser
import Scenario

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Print the event catalog (types, fields, who records them, examples) or the rule catalog.",
        discussion: "The event catalog is docs/events.md; the rule catalog is docs/rules.md."
    )

    enum What: String, ExpressibleByArgument, CaseIterable { case events, rules }

    @Argument(help: "events or rules.")
    var what: What = .events

    func run() throws {
        switch what {
        case .events: print(try CatalogDoc.markdown(), terminator: "")
        case .rules: print(RulesDoc.markdown(), terminator: "")
        }
    }
}
