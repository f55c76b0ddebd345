import Ledger

extension Rules {
    package static let presentation = Rule(
        id: .presentation, article: "7.7", force: .should,
        words: [
            Quotation(
                "Art. 7.7",
                "The country requesting the implementation of the Agreement should present each case and its conclusion at the following meeting of the Liaison Officer Network for Consular Protection"
            )
        ],
        summary: "a concluded case was not presented at the first Network meeting held after its conclusion",
        interpretation: [
            "\"The following meeting\" is the first meeting held on a date after the conclusion's date: a meeting held on the day of the conclusion is not it. Presenting at a later meeting is still a breach (the sentence says so).",
            "Judged on the whole history and reported on the case's conclusion. The write path never refuses for it: neither a meeting recorded as held, nor a conclusion recorded after the following meeting was held, since the presentation may be recorded next (historic records come in any order); `verify` reports a case that stays unpresented.",
        ],
        judgement: .wholeHistory { world in
            var found: [HistoryFinding] = []
            for caseID in world.cases.keys.sorted() {
                let s = world.cases[caseID]!
                guard let concluded = s.concluded, let event = s.concludedEvent,
                    let meeting = world.network.firstMeeting(after: concluded.date)
                else { continue }
                let known = s.presentations.filter { world.network.meetings[$0.meeting] != nil }
                if known.contains(where: { $0.meeting == meeting.id }) { continue }
                let late = known.first.map { Sentence.Arg.part(Sentence("msg.presentation.late", ["meeting": .text($0.meeting)])) } ?? .text("")
                let place = meeting.city.map { Sentence.Arg.part(Sentence("todo.in_city", ["city": .text($0)])) } ?? .text("")
                found.append(
                    HistoryFinding(
                        caseID: caseID, seq: s.concludedSeq, event: event, actor: s.requesting,
                        sentence: Sentence(
                            "msg.presentation",
                            [
                                "state": .subject(s.requesting), "case": .text(caseID), "date": .text(concluded.date), "meeting": .text(meeting.date),
                                "place": place, "late": late,
                            ])))
            }
            return found
        })
}
