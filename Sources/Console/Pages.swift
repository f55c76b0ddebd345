import Agreement
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

/// The console's HTML: server-rendered, readable without JavaScript; every text from the catalogs,
/// every value escaped.
enum Pages {
    static let e = Render.html

    /// The language of a request: `?lang=`, else the `amparo_lang` cookie (the switch sets it),
    /// else the browser's `Accept-Language`, else the default.
    static func language(_ request: Request, default fallback: Language) -> Language {
        if let q = request.uri.queryParameters["lang"], let l = Language(rawValue: String(q)) { return l }
        if let cookie = request.cookies["amparo_lang"], let l = Language(rawValue: cookie.value) { return l }
        if let accept = request.headers[.acceptLanguage], let l = Language.fromAcceptLanguage(accept) { return l }
        return fallback
    }

    /// The current path with `lang` set: what the language switch links to.
    static func switchLink(_ request: Request, to language: Language) -> String {
        var items = request.uri.queryParameters.filter { $0.key != "lang" }.map { "\($0.key)=\(percent(String($0.value)))" }.sorted()
        items.append("lang=\(language.rawValue)")
        return request.uri.path + "?" + items.joined(separator: "&")
    }

    static func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// A whole page: header with the navigation and the language switch, `body`, footer.
    static func page(_ request: Request, _ t: Localizer, title: String, body: String, extraCSS: String? = nil) -> String {
        let other: Language = t.language == .en ? .es : .en
        let nav = [("/", "nav.dashboard"), ("/cases", "nav.cases"), ("/meetings", "nav.meetings")]
            .map { path, key in
                let current = request.uri.path == path || (path != "/" && request.uri.path.hasPrefix(path + "/"))
                return "<a href=\"\(path)\"\(current ? " aria-current=\"page\"" : "")>\(e(t(key)))</a>"
            }
            .joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="\(t.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title)) · Amparo</title>
            <link rel="stylesheet" href="/assets/console.css">
            \(extraCSS.map { "<link rel=\"stylesheet\" href=\"\($0)\">\n" } ?? "")<script src="/assets/console.js" defer></script>
            </head>
            <body>
            <header class="top">
            <p class="brand">Amparo <span>\(e(t("brand.tagline")))</span></p>
            <nav aria-label="\(e(t("nav.label")))">
            \(nav)
            </nav>
            <p class="lang"><a id="lang-switch" href="\(e(switchLink(request, to: other)))" hreflang="\(other.rawValue)" lang="\(other.rawValue)">\(e(t("lang.switch")))</a></p>
            </header>
            <main>
            \(body)
            </main>
            <footer>\(e(t("footer.readonly")))</footer>
            </body>
            </html>

            """
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, language: Language? = nil, remember: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"]
        if remember, let language { headers[.setCookie] = "amparo_lang=\(language.rawValue); Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error as the client wants it: JSON under `/api/` and for the tile endpoints' plain text, a
    /// page otherwise. Never a stack trace.
    static func error(_ request: Request, _ t: Localizer, status: HTTPResponse.Status, message: String) -> Response {
        let path = request.uri.path
        if path.hasPrefix("/api/") {
            let body = CanonicalJSON.string(.object(["error": .string(message), "status": .number(Double(status.code))])) + "\n"
            return Response(
                status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        if Guard.isLogPath(path) {
            return Response(
                status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
        }
        let body =
            "<h1>\(e(t("error.title", ["status": String(status.code)])))</h1>\n<p class=\"error\">\(e(message))</p>\n<p><a href=\"/\">\(e(t("nav.dashboard")))</a></p>"
        return html(page(request, t, title: t("error.title", ["status": String(status.code)]), body: body), status: status)
    }

    // MARK: Pieces

    static func caseLink(_ id: String) -> String { "<a href=\"/cases/\(e(id))\">\(e(id))</a>" }

    static func stateName(_ t: Localizer, _ code: String?) -> String {
        guard let code else { return "–" }
        return t.country(code)
    }

    static func status(_ t: Localizer, _ s: String) -> String { t.has("status." + s) ? t("status." + s) : s }
    static func category(_ t: Localizer, _ c: String?) -> String {
        guard let c else { return "–" }
        return t.has("category." + c) ? t("category." + c) : c
    }
    static func force(_ t: Localizer, _ f: String) -> String { t.has("force." + f) ? t("force." + f) : f }
    static func eventType(_ t: Localizer, _ type: String) -> String { t.has("event." + type) ? t("event." + type) : type }

    /// A finding: rule id, the case and event, and what the rule found in this language (its
    /// Article and force first). A finding of the Ledger's verifier (bytes, signatures) has its
    /// sentence in English only: in Spanish the rule's sentence comes first, then the English one,
    /// marked as such.
    static func finding(_ t: Localizer, _ b: Breach, withCase: Bool) -> String {
        var out = "<li class=\"finding\"><span class=\"rule\">\(e(b.rule))</span> "
        if withCase, let c = b.caseID { out += caseLink(c) + " " }
        if let seq = b.seq { out += "<span class=\"seq\">\(e(t("finding.seq", ["seq": String(seq)])))</span> " }
        out += "<span class=\"detail\">\(e(t.breach(b)))</span>"
        if t.language != .en, b.sentence == nil {
            out += "<br><span class=\"detail\" lang=\"en\">\(e(t("finding.in_english")))\(e(b.message))</span>"
        }
        return out + "</li>\n"
    }

    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], id: String? = nil) -> String {
        var out = "<table\(id.map { " id=\"\($0)\"" } ?? "")>\n<thead><tr>"
        out += header.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>" + row.enumerated().map { i, cell in "<td\(numeric.contains(i) ? " class=\"n\"" : "")>\(cell)</td>" }.joined() + "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    static func ago(_ t: Localizer, from date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 120 { return t("age.seconds", ["n": String(seconds)]) }
        if seconds < 7200 { return t("age.minutes", ["n": String(seconds / 60)]) }
        if seconds < 172_800 { return t("age.hours", ["n": String(seconds / 3600)]) }
        return t("age.days", ["n": String(seconds / 86_400)])
    }
}
