import Foundation
import Reports

/// The console's stylesheet and its one script (progressive enhancement: every page works without
/// it). Served from `/assets/`, so the Content-Security-Policy allows no inline style or script.
enum Assets {
    static let consoleCSS = """
        :root { --blue: #1f5f8b; --amber: #8a6d00; --red: #a4262c; --green: #2e7d5b; --line: #c8d2da; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "Liberation Sans", Arial, sans-serif; font-size: 15px; line-height: 1.45; color: #1a1a1a; background: #f6f8fa; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: var(--blue); color: #fff; }
        header.top a { color: #fff; }
        .brand { margin: 0; font-weight: bold; font-size: 1.15rem; }
        .brand span { font-weight: normal; font-size: .85rem; opacity: .85; margin-left: .4rem; }
        nav a { margin-right: 1rem; text-decoration: none; padding: .2rem 0; }
        nav a[aria-current] { border-bottom: 2px solid #fff; }
        .lang { margin: 0 0 0 auto; }
        main { max-width: 72rem; margin: 1rem auto; padding: 0 1.5rem; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .4rem 1.2rem 1rem; margin-bottom: 1rem; }
        h1 { font-size: 1.5rem; color: var(--blue); }
        h2 { font-size: 1.15rem; color: var(--blue); }
        table { border-collapse: collapse; background: #fff; margin: .5rem 0; }
        th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
        thead th { background: #e8eef3; }
        td.n { text-align: right; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
        dt { font-weight: bold; }
        dd { margin: 0; min-width: 0; }
        pre.note { background: #f4f6f8; padding: .5rem; overflow-x: auto; font-size: .85rem; }
        .ok { color: var(--green); font-weight: bold; }
        .bad { color: var(--red); font-weight: bold; }
        .warning, .pending { color: var(--amber); }
        .error { color: var(--red); }
        form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; background: #fff; border: 1px solid var(--line); padding: .8rem; border-radius: 4px; }
        form.filters label { display: flex; flex-direction: column; font-size: .85rem; }
        ol.replay { list-style: none; padding: 0; }
        li.step { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--green); padding: .4rem .8rem; margin-bottom: .5rem; }
        li.step.breach { border-left-color: var(--red); }
        li.step p { margin: .15rem 0; }
        dl.words { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .3rem 0; }
        dl.words dt { color: #555; font-weight: 600; }
        dl.words dd { margin: 0; }
        dl.words dd.erased { font-style: italic; color: #555; }
        .seq { color: #555; font-family: monospace; }
        ul.findings { padding-left: 1.2rem; }
        li.finding { margin: .3rem 0; }
        .rule { font-family: monospace; font-weight: bold; }
        .force { color: var(--amber); }
        .detail { color: #444; font-size: .9rem; }
        .report { background: #fff; border: 1px solid var(--line); padding: 1rem 2rem; }
        .downloads { font-size: .9rem; }
        footer { text-align: center; color: #555; font-size: .8rem; padding: 1rem; }
        svg { display: block; width: 100%; max-width: 720px; height: auto; margin: .5rem 0; }
        @media print { header.top, .downloads, footer { display: none; } body { background: #fff; } }

        """

    /// The meeting report's stylesheet, scoped to the report's `<article>`.
    static let reportCSS = scoped(MeetingReport.stylesheet, under: "article.report")

    /// The meeting report's stylesheet for a page of the console: every rule applies inside
    /// `scope` only (`body` becomes the scope itself); `@page` and `@media` rules are left out.
    static func scoped(_ css: String, under scope: String) -> String {
        var out = ""
        for line in css.split(separator: "\n") {
            guard !line.hasPrefix("@"), let brace = line.firstIndex(of: "{") else { continue }
            let selectors = line[..<brace].split(separator: ",").map { s -> String in
                let s = s.trimmingCharacters(in: .whitespaces)
                return s == "body" ? scope : s.hasPrefix("body ") ? scope + s.dropFirst(4) : "\(scope) \(s)"
            }
            out += selectors.joined(separator: ", ") + " " + line[brace...] + "\n"
        }
        return out
    }

    /// Filters apply as soon as a choice changes (the button stays for use without script).
    static let consoleJS = """
        document.addEventListener("DOMContentLoaded", function () {
          var form = document.getElementById("filters");
          if (!form) return;
          form.querySelectorAll("select").forEach(function (s) {
            s.addEventListener("change", function () { form.submit(); });
          });
        });

        """
}
