import Agreement
import Ledger

/// A case's stored verdict (``ProjectionStore/caseFindings(_:)``): its breaches as the Agreement's
/// fold finds them with the Network's acts, each with the day its act happened, and what in the
/// Network its verdict can depend on (its footprint), so that a Network act re-judges only the
/// cases whose footprint it touches (docs/design.md, "Stored findings").
///
/// Stored as fields in the case card's framing (a four-byte big-endian length, `FF FF FF FF` when
/// absent): the conclusion day; the number of codes, then each code (the States, actors and
/// countries its acts name); the number of meetings, then each meeting id its acts name; then the
/// breaches as canonical JSON (absent when there are none). A scan for a Network act reads the
/// footprint in place and never parses the JSON.
package struct CaseFindings: Equatable, Sendable {
    package var breaches: [DatedBreach]
    /// The day the case was concluded, as the fold has it (Art. 7.7 reads it against meetings).
    package var concluded: String?
    /// Every State, actor and country code its acts name (actors, and the fields of those kinds).
    package var codes: [String]
    /// Every meeting id its acts name.
    package var meetings: [String]

    /// The findings of a case from its judgement (``Agreement/judged(_:network:)``) and its acts.
    package init(breaches: [DatedBreach], state: CaseState?, facts: [Fact]) {
        self.breaches = breaches
        concluded = state?.concluded?.date
        var codes = Set<String>()
        var meetings = Set<String>()
        // Both the acts as recorded and as corrected: a correction may name another State (the
        // corrected acts are walked only when the case holds a correction).
        for f in Corrections(facts).isEmpty ? facts : facts + Corrections.applied(to: facts) {
            codes.insert(f.actor)
            for field in f.spec?.fields ?? [] {
                let strings: [String]
                switch f.payload[field.name] {
                case .string(let s): strings = [s]
                case .array(let a): strings = a.compactMap(\.stringValue)
                default: continue
                }
                switch field.kind {
                case .state, .actor, .country, .list(.state), .list(.actor), .list(.country): codes.formUnion(strings)
                case .meetingID, .list(.meetingID): meetings.formUnion(strings)
                default: break
                }
            }
        }
        self.codes = codes.sorted()
        self.meetings = meetings.sorted()
    }

    init(breaches: [DatedBreach], concluded: String?, codes: [String], meetings: [String]) {
        self.breaches = breaches
        self.concluded = concluded
        self.codes = codes
        self.meetings = meetings
    }

    /// Its stored bytes (the case id is the key).
    package var bytes: [UInt8] {
        var out: [UInt8] = []
        func put(_ field: String?) {
            let utf8 = field.map { Array($0.utf8) }
            out += withUnsafeBytes(of: (utf8.map { UInt32($0.count) } ?? 0xFFFF_FFFF).bigEndian, Array.init) + (utf8 ?? [])
        }
        put(concluded)
        put(String(codes.count))
        codes.forEach(put)
        put(String(meetings.count))
        meetings.forEach(put)
        put(breaches.isEmpty ? nil : String(decoding: CanonicalJSON.encode(.array(breaches.map(\.json))), as: UTF8.self))
        return out
    }

    /// The findings stored under a case; nil when the bytes are not findings (a damaged projection).
    package init?(bytes: [UInt8]) {
        guard
            let decoded = bytes.withUnsafeBytes({ value -> CaseFindings? in
                guard let footprint = Footprint(value) else { return nil }
                func text(_ r: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: value[r]), as: UTF8.self) }
                var breaches: [DatedBreach] = []
                if let json = footprint.breaches {
                    guard let items = (try? JSONParser.parse(Array(value[json])))?.arrayValue else { return nil }
                    for item in items {
                        guard let b = DatedBreach(json: item) else { return nil }
                        breaches.append(b)
                    }
                }
                return CaseFindings(
                    breaches: breaches, concluded: footprint.concluded.map(text), codes: footprint.codes.map(text), meetings: footprint.meetings.map(text))
            })
        else { return nil }
        self = decoded
    }

    /// Where each part of stored findings lies in their bytes; nil unless the bytes are exactly
    /// the fields findings have. One walk, no copy.
    struct Footprint {
        var concluded: Range<Int>?
        var codes: [Range<Int>] = []
        var meetings: [Range<Int>] = []
        var breaches: Range<Int>?

        init?(_ value: UnsafeRawBufferPointer) {
            var i = 0
            func field() -> Range<Int>?? {
                guard case .field(let r) = CaseCard.slot(value, at: &i) else { return nil }
                return .some(r)
            }
            func list() -> [Range<Int>]? {
                guard let n = field(), let n, let count = CaseCard.count(value[n]) else { return nil }
                var out: [Range<Int>] = []
                for _ in 0..<count {
                    guard let r = field(), let r else { return nil }
                    out.append(r)
                }
                return out
            }
            guard let concluded = field(), let codes = list(), let meetings = list(), let breaches = field(), i == value.count else { return nil }
            self.concluded = concluded
            self.codes = codes
            self.meetings = meetings
            self.breaches = breaches
        }
    }
}
