import Agreement
import Foundation
import Ledger

/// docs/events.md: every event type of the catalog, its fields, who records it, and an example
/// draft (from the scenario where it has one). `amparo catalog` prints it; a test keeps the
/// committed page equal to it and checks every example against the catalog.
package enum CatalogDoc {
    /// The page.
    package static func markdown() throws -> String {
        var examples: [String: SignedEvent] = [:]
        var words: [String: String] = [:]
        try ScenarioGenerator(cases: 40).generateWithWords({ e, parts in
            guard examples[e.envelope.type] == nil else { return }
            examples[e.envelope.type] = e
            for p in parts { words[p.commitment] = p.text }
        })
        var out = """
            # Event catalog

            Every event a ledger holds, generated from the catalog table (`Sources/Agreement/Catalog.swift`)
            by `amparo catalog`; a test keeps this page equal to it and checks every example below against
            the catalog. Each example is a draft as `amparo append` reads it (the actor comes from the
            signing key); the `amparo` command that records the event without writing JSON is named too.

            Envelope: `id` (UUID, chosen by the author; appends are idempotent on it), `type`, `case` (case
            events only: `<requesting State>-<year>-<4-digit serial>`), `actor`, `occurred` (RFC 3339 UTC),
            `payload`, `signature` (`key`: `NAME+KEYID`, `value`: base64 Ed25519 over the RFC 8785 bytes of
            the envelope without `signature`). Money is a decimal string, never a float. No payload field
            holds personal data: a migrant is a random pseudonym.

            Free text (kind "free text") is written as words in a draft, and never signed as such: the
            write path replaces each value (and each free-text value a correction sets) with its
            commitment, `hmac-sha256:` and 64 hex digits of HMAC-SHA256 keyed by a random 256-bit salt,
            and keeps the words and the salt beside the log, erasable (`amparo case redact`,
            docs/privacy.md). The signed event, its Merkle leaf and every proof cover the commitment.

            """
        for spec in Catalog.specs {
            out += "\n## `\(spec.name)`\n\n"
            out += "\(spec.summary) Source: \(spec.source). Recorded by: \(spec.role.rawValue)."
            if let c = spec.command { out += " Command: `amparo \(c.group) \(c.name)`." }
            out += "\n\n| field | kind | required | meaning |\n| --- | --- | --- | --- |\n"
            for f in spec.fields {
                let cell = { (text: String) in text.replacingOccurrences(of: "|", with: "\\|") }
                out += "| `\(f.name)` | \(cell(f.kind.hint)) | \(f.required ? "yes" : "no") | \(cell(f.help)) |\n"
            }
            var draft: [String: JSONValue]
            var actor: String
            if let e = examples[spec.name] {
                // The draft as its author writes it: the words, not their commitments.
                let payload = Words.resolve(.object(e.envelope.payload), words)
                draft = ["type": .string(e.envelope.type), "occurred": .string(e.envelope.occurred.description), "payload": payload]
                if let c = e.envelope.caseID { draft["case"] = .string(c) }
                actor = e.envelope.actor
            } else {
                // A type the scenario records none of: the example of its catalog row.
                guard let x = spec.example else { throw LedgerError(.usage, "\(spec.name) has no example: give its catalog row one") }
                draft = ["type": .string(spec.name), "occurred": "2016-02-01T10:00:00Z", "payload": .object(x.payload)]
                if let c = x.caseID { draft["case"] = .string(c) }
                actor = x.actor
            }
            out += "\nExample (signed by \(actor)):\n\n```json\n\(CanonicalJSON.string(.object(draft)))\n```\n"
        }
        return out
    }
}
