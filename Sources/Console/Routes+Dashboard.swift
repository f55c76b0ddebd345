import Agreement
import Bundles
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

extension Routes {
    /// The dashboard as its template reads it.
    struct DashboardView {
        let title, logTitle, sizeLabel: String
        let behind: String?
        let size: UInt64
        let checkpointLabel, checkpoint, checkpointLink: String
        let checkpointAge, note: String?
        let verifyTitle: String
        let verify: Verify
        let forksTitle: String
        let forks: [String]
        let hasForks: Bool
        let openTitle, openCases, seeOpen: String
        let obligations: [Obligation]
        /// The reimbursement term in force, and where it comes from (Art. 8 sets none).
        let term: String
        let workloadTitle: String
        let workloadHeader: [String]
        let workload: [Row]
        let chart: Charts.View

        struct Verify {
            let verdictClass, verdict: String
            let findings: [Pages.Finding]
            let hasFindings: Bool
            let more, pending, behind: String?
        }
        struct Obligation {
            let count: Int
            let label: String
            let cases: [CaseLink]
            let hasCases, more: Bool
        }
        struct CaseLink {
            let id: String
            let last: Bool
        }
        struct Row {
            let state: String
            let requested, assisted, open, concluded: Int
        }
    }

    func dashboard(_ request: Request, _ t: Localizer) throws -> String {
        let log = console.log
        let size = try log.size()
        let store = try ProjectionStore(log: log)
        let applied = try store.appliedSeq(.cases)
        // `?to=YYYY-MM-DD`: open cases and obligations as they stood at the end of that day.
        let asOf = try filter(request, t).query.to
        // Today's cases from the case index; as of a past day, each case as it stood then.
        // (Only the cards an obligation or the open count reads are decoded.)
        let cards =
            try asOf.map { try store.caseSummaries(asOf: $0).map(CaseCard.init) }
            ?? store.scanCases { c in Obligations.concerns(c) ? try c.decoded() : nil }
        let meetings = try store.meetings(withPresented: false)
        let today = asOf ?? Timestamp.now().date

        // The log and its checkpoint.
        let latest = try log.latestCheckpoint()
        let age = try latest.flatMap { cp in
            try log.rawEntry(at: cp.0).map { Pages.ago(t, from: Date(timeIntervalSince1970: Double($0.recorded.milliseconds) / 1000)) }
        }

        // Verify.
        let verify: DashboardView.Verify
        if let run = console.lastVerify {
            let when = Pages.ago(t, from: run.finished)
            let ok = run.breaches.isEmpty
            verify = DashboardView.Verify(
                verdictClass: ok ? "ok" : "bad",
                verdict: ok
                    ? t("verify.ok", ["events": t.count(run.events, "count.event"), "age": when])
                    : t(
                        "verify.findings",
                        ["findings": t.count(run.breaches.count, "count.finding"), "events": t.count(run.events, "count.event"), "age": when]),
                findings: run.breaches.prefix(20).map { Pages.Finding(t, $0, withCase: true) }, hasFindings: !ok,
                more: run.breaches.count > 20 ? t("verify.more", ["n": String(run.breaches.count - 20)]) : nil,
                pending: run.pending.isEmpty ? nil : t("dashboard.pending", ["n": String(run.pending.count)]),
                behind: run.events < size ? t("verify.behind", ["events": t.count(Int(size), "count.event")]) : nil)
        } else {
            verify = DashboardView.Verify(
                verdictClass: "pending", verdict: t("verify.none"), findings: [], hasFindings: false, more: nil, pending: nil, behind: nil)
        }

        // Forks: origins that signed two histories (the evidence this node holds).
        let forks = try PeerStore(log: log).forks().map { fork in
            let sizes = fork.evidence.checkpoints.compactMap { try? Checkpoint(text: SignedNote(parsing: $0).text).size }.sorted()
            return t("dashboard.fork", ["origin": fork.origin, "sizes": sizes.map(String.init).joined(separator: t("verify.fork.and"))])
        }

        // Open cases and overdue obligations.
        let open = cards.filter(\.isOpen)
        let terms = try store.reimbursementTerms()
        let obligations = Obligations(cards: cards, meetings: meetings, terms: terms, today: today).groups.map { key, ids in
            let shown = ids.prefix(8)
            return DashboardView.Obligation(
                count: ids.count, label: t(ids.count == 1 ? key + ".single" : key),
                cases: shown.enumerated().map { DashboardView.CaseLink(id: $1, last: $0 == shown.count - 1) },
                hasCases: !ids.isEmpty, more: ids.count > 8)
        }

        // Workload by State, with the report's charts.
        let rows = try store.workloadRows().filter { $0.requested + $0.assisted > 0 }
        let view = DashboardView(
            title: t("dashboard.title"), logTitle: t("dashboard.log"), sizeLabel: t("dashboard.size"),
            behind: applied < size ? t("projections.behind", ["applied": String(applied), "size": String(size)]) : nil, size: size,
            checkpointLabel: t("dashboard.checkpoint"),
            checkpoint: latest.map { t.count(Int($0.0), "count.event") } ?? t("dashboard.no_checkpoint"), checkpointLink: t("dashboard.checkpoint_link"),
            checkpointAge: age.map { t("dashboard.checkpoint_age", ["age": $0]) }, note: latest?.1.serialized, verifyTitle: t("dashboard.verify"),
            verify: verify, forksTitle: t("dashboard.forks"), forks: forks, hasForks: !forks.isEmpty, openTitle: t("dashboard.open"),
            openCases: t.count(open.count, "dashboard.open_cases"), seeOpen: t("dashboard.see_open"), obligations: obligations,
            term: t.termSentence(terms.term(on: today)),
            workloadTitle: t("dashboard.workload"),
            workloadHeader: [t("workload.state"), t("workload.requested"), t("workload.assisted"), t("workload.open"), t("workload.concluded")],
            workload: rows.map {
                DashboardView.Row(state: t.label($0.state), requested: $0.requested, assisted: $0.assisted, open: $0.open, concluded: $0.concluded)
            },
            chart: Charts.view(
                labels: rows.map { t.label($0.state) }, values: rows.map { [$0.requested, $0.assisted] },
                series: [t("workload.requested"), t("workload.assisted")], title: t("dashboard.workload_chart"), colors: ["#1f5f8b", "#e08a1e"],
                empty: t("chart.empty")))
        return Pages.page(request, t, title: t("dashboard.title"), template: "dashboard", view: view)
    }
}
