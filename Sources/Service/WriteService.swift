import Agreement
import Ledger
import Projections

/// Acts refused because they breach the Agreement (exit status 1). Carries every breach.
package struct Refusal: Error, Sendable {
    package let breaches: [Breach]
    /// Draft line of each breach's event, when the drafts came from a file or stdin.
    package let lines: [String: Int]
    /// Where the drafts came from ("drafts.jsonl", "stdin"); nil for an event command.
    package let source: String?

    /// Whether `--record-violations` may record these acts anyway: never when a signer may not
    /// make its act (``unrecordable``).
    package var isRecordable: Bool { !breaches.contains { Refusal.unrecordable.contains($0.rule) } }

    /// Rules whose breach no flag records: an act its signer may not make (`AUTHORITY`), or whose
    /// signature its key could not give (`SIGNATURE`), would change what another actor owns.
    package static let unrecordable: Set<String> = ["AUTHORITY", "SIGNATURE"]

    /// One line: the first breach's sentence, its line, and the other rules breached. The
    /// unrecordable breach comes first and the line never suggests `--record-violations` for it.
    package var message: String {
        guard let first = breaches.first(where: { Refusal.unrecordable.contains($0.rule) }) ?? breaches.first else { return "refused" }
        let line = source.flatMap { s in first.event.flatMap { lines[$0] }.map { "\(s) line \($0): " } } ?? ""
        var others: [String] = []
        for b in breaches where b.rule != first.rule && !others.contains(b.rule) { others.append(b.rule) }
        let more = others.isEmpty ? "" : " (also \(others.joined(separator: ", ")))"
        let advice =
            isRecordable
            ? "Nothing was written; use --record-violations to record historic acts anyway."
            : "Nothing was written: an act its signer may not make is never recorded, with or without --record-violations; the actor it belongs to records it with its own key."
        return "\(line)\(first.rule): \(first.message)\(more) \(advice)"
    }
}

/// The write path, in one place: parse → shape check → case serial → sign → one fold of the
/// touched cases → append → catch up projections.
///
/// The fold runs inside the append's write transaction (``EventLog/append(_:recorded:admit:)``):
/// the acts are judged against exactly the log they are appended to, and equivocation is checked
/// once, by the append, before the judgement. The command-line tool only parses its arguments,
/// calls ``record(_:key:keyFile:source:recordViolations:confirmFarDates:recorded:beforeCommit:)`` and prints the outcome.
package struct WriteService {
    package let log: EventLog
    /// The words of a case's vault entry that its events' free text must not hold
    /// (``PersonalDataScreen/terms(fromVaultEntry:)``); none by default.
    let screenTerms: (String) throws -> [String]

    package init(log: EventLog, screenTerms: @escaping (String) throws -> [String] = { _ in [] }) {
        self.log = log
        self.screenTerms = screenTerms
    }

    /// What a record did.
    package struct Outcome: Sendable {
        package struct Recorded: Sendable {
            /// The draft's line (1 for an event command).
            package let line: Int
            package let event: SignedEvent
            package let outcome: EventLog.AppendOutcome
        }
        package let events: [Recorded]
        /// Breaches recorded anyway, with `recordViolations` (the verifier reports them).
        package let recordedDespite: [Breach]
        /// Omissions the batch leaves that a later record cures (the Secretariat's acknowledgement,
        /// the presentation at a meeting): recorded without refusal; the verifier reports them
        /// until the missing act is recorded.
        package let omissions: [Breach]
        /// The Network and the cases the batch touched, after it (from the one fold).
        package let world: World
        /// Why the projections could not catch up; the events are committed regardless, and the
        /// next report catches up again.
        package let catchUpProblem: String?
        /// The recorded acts that name another State's act this node does not hold yet.
        package var pending: [PendingReference] = []
    }

    /// Parses drafts written as JSON Lines. Errors name the line; nothing is written.
    package static func drafts(_ bytes: [UInt8], source: String) throws -> [Recorder.Line] {
        var lines: [Recorder.Line] = []
        for (number, line) in Draft.lines(bytes) {
            do {
                lines.append(.init(number: number, draft: try Draft(line: line)))
            } catch {
                throw LedgerError(.badDraft, "\(source) line \(number): \(error.message); nothing was written")
            }
        }
        guard !lines.isEmpty else { throw LedgerError(.badDraft, "\(source) holds no drafts; nothing was written") }
        return lines
    }

    /// Records `lines`, signed with `key`, as one batch: everything or nothing.
    ///
    /// - A draft that is not a well-formed event of the catalog: `LedgerError(.badDraft)`, naming
    ///   its line when `source` names where the drafts came from.
    /// - A key the registry does not allow, or equivocation: `LedgerError`.
    /// - Acts that breach the Agreement: ``Refusal``, unless `recordViolations`, when they are
    ///   recorded and returned in ``Outcome/recordedDespite``.
    ///
    /// A request filed without a case id gets the next free `<State>-<year>-<serial>`.
    ///
    /// `beforeCommit` runs once every check has passed, inside the write transaction: an error
    /// from it writes nothing. The act it accompanies (destroying a vault entry) happens only when
    /// the event that records it is about to be committed.
    package func record(
        _ lines: [Recorder.Line], key: SigningKey, keyFile: String, source: String?, recordViolations: Bool,
        confirmFarDates: Bool = false, recorded: Timestamp = .now(), beforeCommit: @escaping () throws -> Void = {}
    ) throws -> Outcome {
        let recorder = Recorder(log: log)
        let lines = try numberCases(lines, actor: try recorder.binding(of: key, keyFile: keyFile).actor)
        for line in lines {
            let d = line.draft
            if let problem = Catalog.shapeProblem(type: d.type, caseID: d.caseID, payload: d.payload, draft: true)
                ?? Catalog.caseYearProblem(type: d.type, caseID: d.caseID, occurred: d.occurred)
                ?? (confirmFarDates ? nil : Catalog.farDateProblem(d, today: recorded))
            {
                throw problem.error(.badDraft, source.map { "\($0) line \(line.number): " } ?? "", "; nothing was written")
            }
            // Personal data never enters the log: the free text is screened (GCM 14(e)).
            if let caseID = d.caseID, let kind = EventType(name: d.type) {
                let found = PersonalDataScreen.findings(type: kind, payload: d.payload, terms: try screenTerms(caseID))
                if let first = found.first {
                    let place = source.map { "\($0) line \(line.number): " } ?? ""
                    throw LedgerError(.badDraft, WriteService.personalData(first, type: d.type, caseID: caseID).around(place, ""))
                }
            }
        }
        // Free text enters the signed events as commitments; the words go beside the log.
        // A draft whose id is held already is sealed with the salts of the held event, so that
        // recording it again is the no-op it was before free text was sealed.
        var words: [WordsPart] = []
        let heldSalts = try self.heldSalts(lines)
        let sealedLines = try lines.map { line in
            let sealed = Catalog.seal(line.draft, correctedType: try correctedType(of: line.draft, in: lines)) { id, path in
                heldSalts[id]?[path] ?? Words.newSalt()
            }
            words += sealed.words
            return Recorder.Line(number: line.number, draft: sealed.draft)
        }
        let drafts = try recorder.sign(sealedLines, key: key, keyFile: keyFile)
        var lineOf: [String: Int] = [:]
        for (line, event) in drafts { lineOf[event.id.description] = lineOf[event.id.description] ?? line }
        var world = World()
        var found: [Breach] = []
        var omissions: [Breach] = []
        var pending: [PendingReference] = []
        var held: [String: [Fact]]? = nil
        var verdict: [Breach] = []
        let signed = try recorder.append(drafts, words: words, recorded: recorded) { fresh in
            (world, found, omissions, pending, held, verdict) = try judge(fresh, recorded: recorded) { id in
                let line = lineOf[id.description]
                return source.map { s in "\(s) line \(line ?? 0): " } ?? (drafts.count > 1 ? "line \(line ?? 0): " : "")
            }
            let refusal = Refusal(breaches: found, lines: lineOf, source: source)
            guard found.isEmpty || (recordViolations && refusal.isRecordable) else { throw refusal }
            try beforeCommit()
        }
        // The touched cases as the judge folded them, with the new acts: the log's state at the
        // last sequence this append wrote, which the projections take instead of folding again.
        // Their events too, as the judge read them, and the new acts with the sequence each took.
        var touched = ProjectionStore.KnownCases()
        var last: UInt64 = 0
        var added: [String: [Fact]] = [:]
        for s in signed {
            guard case .appended(let seq) = s.outcome else { continue }
            last = max(last, seq)
            guard let c = s.event.envelope.caseID else { continue }
            if let state = world.cases[c] { touched.states[c] = state }
            added[c, default: []].append(Fact(seq: seq, recorded: recorded, envelope: s.event.envelope, shapeChecked: true))
        }
        if let held {
            for (c, facts) in added { touched.facts[c] = (held[c] ?? []) + facts.sorted { ($0.seq ?? 0) < ($1.seq ?? 0) } }
            // And each touched case's whole verdict from the judge's fold, the new acts' breaches
            // under the sequence each act took.
            var seqOf: [String: UInt64] = [:]
            for (_, facts) in added { for f in facts { seqOf[f.id.description] = f.seq } }
            var verdicts: [String: [Breach]] = [:]
            for c in added.keys { verdicts[c] = [] }
            for b in verdict {
                guard let c = b.caseID, verdicts[c] != nil else { continue }
                let seq = b.seq ?? b.event.flatMap { seqOf[$0] }
                verdicts[c]!.append(
                    Breach(
                        rule: b.rule, article: b.article, force: b.force, seq: seq, event: b.event, caseID: b.caseID, actor: b.actor, message: b.message,
                        sentence: b.sentence))
            }
            touched.breaches = verdicts.mapValues(Agreement.sorted)
        }
        var outcome = Outcome(
            events: signed.map { .init(line: $0.line, event: $0.event, outcome: $0.outcome) },
            recordedDespite: found, omissions: omissions, world: world, catchUpProblem: catchUp(known: touched, at: last))
        outcome.pending = pending
        return outcome
    }

    /// The salts of the held events whose ids drafts give, by id and field path.
    func heldSalts(_ lines: [Recorder.Line]) throws -> [EventID: [String: [UInt8]]] {
        let held = try lines.compactMap { try $0.draft.id.flatMap(heldEvent) }
        var out: [EventID: [String: [UInt8]]] = [:]
        for part in try log.wordsParts(of: held) { out[part.event, default: [:]][part.field] = part.salt }
        return out
    }

    /// The type of the event a correction draft corrects (in the same batch or held), to seal the
    /// free text it sets; nil for another draft, or a correction of an event not found (refused
    /// later, naming the event).
    func correctedType(of draft: Draft, in lines: [Recorder.Line]) throws -> EventType? {
        guard draft.type == EventType.corrected.name, let target = draft.payload["event"]?.stringValue.flatMap(EventID.init(parsing:)) else {
            return nil
        }
        if let inBatch = lines.first(where: { $0.draft.id == target }) { return EventType(name: inBatch.draft.type) }
        return try heldEvent(target).flatMap { EventType(name: $0.envelope.type) }
    }

    /// The event this ledger holds under `id`, if any.
    func heldEvent(_ id: EventID) throws -> SignedEvent? {
        guard let seq = try log.seq(of: id), let raw = try log.rawEntry(at: seq) else { return nil }
        return try SignedEvent(bytes: raw.bytes, checkCanonical: false)
    }

    /// The verdict on `fresh` (events not yet held): one fold of the Network and the cases they
    /// touch, as the write transaction it runs in holds them (reads join it) — or of the whole log
    /// when they hold Network facts other than keys, on which every case depends.
    func judge(
        _ fresh: [SignedEvent], recorded: Timestamp, place: (EventID) -> String = { _ in "" }
    ) throws -> (World, [Breach], [Breach], [PendingReference], held: [String: [Fact]]?, all: [Breach]) {
        guard !fresh.isEmpty else { return (World(), [], [], [], nil, []) }
        var existing: [Fact] = []
        var held: [String: [Fact]]? = nil
        if fresh.contains(where: { $0.envelope.caseID == nil && !KeyRegistry.isKeyEvent($0.envelope.type) }) {
            try log.forEach(from: 1) {
                existing.append(Fact($0))
                return true
            }
        } else {
            existing = try NetworkFacts.of(log)
            var cases: [String: [Fact]] = [:]
            for caseID in Set(fresh.compactMap(\.envelope.caseID)).sorted() {
                cases[caseID] = try log.events(inCase: caseID).map(Fact.init)
                existing += cases[caseID]!
            }
            held = cases
        }
        let adding = fresh.map { Fact(seq: nil, recorded: recorded, envelope: $0.envelope, shapeChecked: true) }
        // The case an event id belongs to, wherever in the log it is (a claim named in the wrong case).
        try refuseInputErrors(adding, existing: existing, recorded: recorded, place: place) { id in
            guard let eid = EventID(parsing: id) else { return nil }
            return try heldEvent(eid).map { $0.envelope.caseID ?? "" }
        }
        let verdict = Agreement.judge(existing: existing, adding: adding)
        let new = Set(adding.map(\.id.description))
        let pending = Agreement.pendingReferences(existing.filter { $0.caseID != nil } + adding).filter { new.contains($0.event) }
        return (verdict.world, verdict.added, verdict.omissions, pending, held, verdict.all)
    }

    /// Mistakes that are not acts at all, refused as input errors (exit 2) and never recordable,
    /// even with `recordViolations`: an act dated in the future, an act of a case that was never
    /// filed (a typo in the case id would make a phantom case), a reference to an event the case
    /// holds under another case (a claim to settle), a correction of an event it does not hold, and a
    /// scope agreement answering a formal request note to the agreeing State other than those the
    /// case holds. A reference to another State's act this node does not hold at all is pending
    /// (``PendingReference``), not an error: that act may not have arrived yet.
    func refuseInputErrors(
        _ adding: [Fact], existing: [Fact], recorded: Timestamp, place: (EventID) -> String, caseOf: (String) throws -> String? = { _ in nil }
    ) throws {
        let all = existing + adding
        let filed = Set(all.filter { $0.kind == .requestFiled && $0.isWellFormedCase }.compactMap(\.caseID))
        var held: [String: Set<String>] = [:]
        for f in all { if let c = f.caseID { held[c, default: []].insert(f.id.description) } }
        for f in adding {
            if f.occurred > recorded.adding(seconds: Rules.clockAllowance) {
                throw LedgerError(
                    .badDraft,
                    "\(place(f.id))\(f.type) is dated \(f.occurred), in the future (it is now \(recorded)); an act is recorded after it happens; nothing was written"
                )
            }
            guard let caseID = f.caseID, f.kind != .requestFiled else { continue }
            guard filed.contains(caseID) else {
                throw LedgerError(
                    .notFound,
                    "\(place(f.id))no case \(caseID): it was never filed (`amparo cases` lists the cases; file it first, or in the same batch); nothing was written"
                )
            }
            // A scope agreed by verbal notes answers a formal request note (Art. 5 ¶1, 6), the
            // requesting State's act. When this node holds none addressed to the agreeing State,
            // the note may simply not have arrived yet: the reference is pending. When it holds
            // notes to that State and none is this one, the reference contradicts what it holds.
            if f.kind == .scopeAgreed, let note = f[.requestNote] {
                let notes = all.filter { $0.caseID == caseID && $0.kind == .formalRequestSent && $0[.to] == f.actor }.compactMap {
                    $0[.note]
                }
                if !notes.isEmpty && !notes.contains(note) {
                    throw LedgerError(
                        .notFound,
                        FieldWording(
                            field: "request_note", before: "\(place(f.id))case \(caseID) holds no formal request note \"\(note)\" to \(f.actor) (",
                            after: "): it holds \(notes.joined(separator: ", ")); nothing was written"))
                }
            }
            for field in f.spec?.fields ?? [] where field.kind == .eventID {
                guard let target = f.payload[field.name]?.stringValue, !(held[caseID]?.contains(target) ?? false) else { continue }
                // Another State's act this node does not hold yet (a claim to settle) is pending;
                // one held in another case, or the signer's own act (a correction), is a mistake.
                let elsewhere = try held.first { $0.key != caseID && $0.value.contains(target) }?.key ?? caseOf(target).flatMap { $0 == caseID ? nil : $0 }
                if f.kind != .corrected && f.kind != .redacted && elsewhere == nil { continue }
                let owner = elsewhere.map { $0.isEmpty ? "; it is a Network act" : "; it belongs to case \($0)" } ?? ""
                throw LedgerError(
                    .notFound,
                    FieldWording(
                        field: field.name, before: "\(place(f.id))case \(caseID) holds no event \(target) (",
                        after: "\(owner); `amparo log --case \(caseID)` lists its events); nothing was written"))
            }
            // An erasure of words names free-text fields the event holds.
            if f.kind == .redacted, let target = f[.event], let held = all.first(where: { $0.id == target }) {
                let known = Catalog.wordsFields(of: held.payload)
                // (An empty list never gets here: the shape check wants at least one field.)
                if let unknown = (f[.redactedFields] ?? []).first(where: { !known.contains($0) }) {
                    let list = known.isEmpty ? "it holds none" : "it holds \(known.joined(separator: ", "))"
                    throw LedgerError(
                        .badDraft,
                        "\(place(f.id))event \(target) has no free-text field \"\(unknown)\" to erase (\(list)); nothing was written")
                }
            }
            // A correction names fields of the corrected event's type, with lawful values.
            if f.kind == .corrected, let target = f[.event], let fields = f[.correctedFields],
                let corrected = all.first(where: { $0.id == target })?.kind,
                let problem = Catalog.correctionProblem(of: corrected, fields: fields)
            {
                throw problem.error(.badDraft, place(f.id), "; nothing was written")
            }
        }
    }

    /// The refusal of free text holding personal data: the field and the kind, never the data.
    package static func personalData(_ finding: PersonalDataScreen.Finding, type: String, caseID: String) -> FieldWording {
        FieldWording(
            field: finding.field, before: "\(type) of case \(caseID): ",
            after:
                " holds \(finding.kind); personal data never enters the log: keep it in the vault (`amparo person set \(caseID) --from FILE`) and write the text without it; nothing was written"
        )
    }

    /// Gives a request filed without a case id the next free serial of its State and year.
    func numberCases(_ lines: [Recorder.Line], actor: String) throws -> [Recorder.Line] {
        var next: [String: Int] = [:]
        return try lines.map { line in
            guard line.draft.caseID == nil, line.draft.type == EventType.requestFiled.name else { return line }
            let prefix = "\(actor)-\(line.draft.occurred.date.prefix(4))-"
            if next[prefix] == nil {
                next[prefix] = (try log.caseIDs(prefix: prefix).compactMap { CaseID($0)?.serial }.max() ?? 0) + 1
            }
            var draft = line.draft
            draft.caseID = prefix + String(next[prefix]!).leftPadded(to: 4)
            next[prefix]! += 1
            return Recorder.Line(number: line.number, draft: draft)
        }
    }

    /// Brings the projections up to date; nil, or why not. `known`: cases read and folded as of
    /// the log at `size` events (the judge's), taken instead of reading and folding them again.
    func catchUp(known: ProjectionStore.KnownCases = .init(), at size: UInt64 = 0) -> String? {
        do {
            try ProjectionStore(log: log).catchUp(known: known, at: size)
            return nil
        } catch let error as LedgerError where error.code == .diskFull {
            // The events are committed: only the projections' own write failed. Its sentence
            // ("nothing was written") speaks of a whole command and would contradict that.
            return "the disk is full or failing (\(EventLog.cause(of: error))); free space"
        } catch let error as LedgerError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}
