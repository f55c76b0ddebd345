import Agreement
import Ledger

/// A case's entry in the case index: the few fields the case list filters on and the dashboard
/// counts, kept beside its summary (``ProjectionStore/caseCards()``) so that neither decodes every
/// summary of the ledger. A card is a function of its summary alone (``init(_:)``).
///
/// Stored as its fields in a fixed order (the last one the number of unsettled claims, then each
/// claim's claimant and day), each a four-byte big-endian length then its UTF-8 bytes, `FF FF FF FF`
/// for a field the case does not have: no parser, and any text a malformed act carries reads back
/// as it was written, whatever its length.
package struct CaseCard: Equatable, Sendable {
    package var caseID: String
    package var requesting: String
    package var assisting: String?
    package var status: String
    package var category: String?
    /// The filing date, YYYY-MM-DD.
    package var filed: String?
    /// The day the case was concluded, while it waits to be presented at a meeting (concluded, not
    /// presented, not withdrawn): Art. 7.7's obligation.
    package var awaitingPresentation: String?
    /// The day of its latest dated fact (filed, concluded, withdrawn, a claim made or settled).
    package var latestDay: String?
    /// Its unsettled reimbursement claims (Art. 8): the claimant and the claim day, by day.
    package var unsettledClaims: [UnsettledClaim]

    package struct UnsettledClaim: Equatable, Sendable {
        package var claimant: String
        package var claimed: String
    }

    package init(_ s: CaseSummary) {
        caseID = s.caseID
        requesting = s.requesting
        assisting = s.assisting
        status = s.status
        category = s.category
        filed = s.filed
        awaitingPresentation = s.presentations.isEmpty && s.withdrawn == nil ? s.concluded : nil
        latestDay = ([s.filed, s.concluded, s.withdrawn] + s.claims.flatMap { [$0.claimed, $0.settled] }).compactMap { $0 }.max()
        unsettledClaims = s.claims.filter { $0.settled == nil }.map { UnsettledClaim(claimant: $0.claimant, claimed: $0.claimed) }
            .sorted { ($0.claimed, $0.claimant) < ($1.claimed, $1.claimant) }
    }

    /// True while the case is open (not concluded or withdrawn).
    package var isOpen: Bool { CaseStatus(rawValue: status)?.isOpen ?? false }

    private static let absent: UInt32 = 0xFFFF_FFFF

    /// Its stored bytes (the case id is the key).
    package var bytes: [UInt8] {
        var out: [UInt8] = []
        let fixed = [requesting, assisting, status, category, filed, awaitingPresentation, latestDay, String(unsettledClaims.count)]
        for field in fixed + unsettledClaims.flatMap({ [$0.claimant, $0.claimed] }) {
            let utf8 = field.map { Array($0.utf8) }
            let length = utf8.map { UInt32($0.count) } ?? CaseCard.absent
            out += withUnsafeBytes(of: length.bigEndian, Array.init) + (utf8 ?? [])
        }
        return out
    }

    /// The card stored under `caseID`; nil when the bytes are not a card (a damaged projection).
    package init?(caseID: String, bytes: [UInt8]) {
        guard
            let card = bytes.withUnsafeBytes({ value -> CaseCard? in
                guard let n = CaseCard.claimCount(value), let fields = CaseCard.fields(value, count: 8 + 2 * n) else { return nil }
                let text = fields.map { $0.map { String(decoding: UnsafeRawBufferPointer(rebasing: value[$0]), as: UTF8.self) } }
                guard let requesting = text[0], let status = text[2] else { return nil }
                var claims: [UnsettledClaim] = []
                for i in 0..<n {
                    guard let claimant = text[8 + 2 * i], let claimed = text[9 + 2 * i] else { return nil }
                    claims.append(UnsettledClaim(claimant: claimant, claimed: claimed))
                }
                return CaseCard(
                    caseID: caseID, requesting: requesting, assisting: text[1], status: status, category: text[3], filed: text[4],
                    awaitingPresentation: text[5], latestDay: text[6], unsettledClaims: claims)
            })
        else { return nil }
        self = card
    }

    private init(
        caseID: String, requesting: String, assisting: String?, status: String, category: String?, filed: String?,
        awaitingPresentation: String?, latestDay: String?, unsettledClaims: [UnsettledClaim]
    ) {
        self.caseID = caseID
        self.requesting = requesting
        self.assisting = assisting
        self.status = status
        self.category = category
        self.filed = filed
        self.awaitingPresentation = awaitingPresentation
        self.latestDay = latestDay
        self.unsettledClaims = unsettledClaims
    }

    // MARK: Reading stored bytes (one reader for the decoder and the in-place view)

    /// The field at `i` of stored card bytes: its bytes' range (nil when the case does not have
    /// it), `i` moved past it; `.end` when the bytes end inside it.
    enum Slot {
        case field(Range<Int>?)
        case end
    }

    static func slot(_ value: UnsafeRawBufferPointer, at i: inout Int) -> Slot {
        guard i + 4 <= value.count else { return .end }
        let length = UInt32(bigEndian: value.loadUnaligned(fromByteOffset: i, as: UInt32.self))
        i += 4
        if length == absent { return .field(nil) }
        guard Int(length) <= value.count - i else { return .end }
        defer { i += Int(length) }
        return .field(i..<i + Int(length))
    }

    /// The first `count` fields' ranges; nil unless the bytes are exactly that many fields.
    static func fields(_ value: UnsafeRawBufferPointer, count: Int) -> [Range<Int>?]? {
        var i = 0
        var out: [Range<Int>?] = []
        while out.count < count {
            guard case .field(let range) = slot(value, at: &i) else { return nil }
            out.append(range)
        }
        return i == value.count ? out : nil
    }

    /// The number of unsettled claims a stored card says it holds (its eighth field).
    static func claimCount(_ value: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        for _ in 0..<7 { guard case .field = slot(value, at: &i) else { return nil } }
        guard case .field(let range?) = slot(value, at: &i) else { return nil }
        return count(value[range])
    }

    /// A count written in decimal digits (at most nine), read without making a string.
    static func count(_ digits: Slice<UnsafeRawBufferPointer>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var n = 0
        for d in digits {
            guard d >= 0x30, d <= 0x39 else { return nil }
            n = n * 10 + Int(d - 0x30)
        }
        return n
    }

    /// The error a damaged card gives: what is damaged and the command that repairs it.
    static func damaged(_ caseID: String) -> LedgerError {
        LedgerError(.corrupt, "the case index's entry for \(caseID) is damaged; run `amparo rebuild`")
    }

    /// True when `value` is a whole card: its fields, then its claims, and nothing after.
    /// One walk, no allocation: every scan checks every card.
    static func isWellFormed(_ value: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        var fields = 8
        var k = 0
        while k < fields {
            guard case .field(let range) = slot(value, at: &i) else { return false }
            if k == 7 {
                guard let range, let n = count(value[range]) else { return false }
                fields += 2 * n
            }
            k += 1
        }
        return i == value.count
    }
}

extension CaseCard {
    /// The fields of a stored card, in order.
    package enum Field: Int {
        case requesting, assisting, status, category, filed, awaitingPresentation, latestDay, unsettledClaims
    }

    /// A stored card read in place, without decoding it (``ProjectionStore/scanCases(_:)``): a scan
    /// of every case compares the bytes of the fields it asks about and decodes only the cards it
    /// keeps. Valid only inside the scan's call.
    package struct View {
        let key: UnsafeRawBufferPointer
        let value: UnsafeRawBufferPointer

        /// The bytes of field `f`; nil when the case does not have it (or the card is damaged).
        package func bytes(_ f: Field) -> UnsafeRawBufferPointer? {
            var i = 0
            for n in 0...f.rawValue {
                guard case .field(let range) = CaseCard.slot(value, at: &i) else { return nil }
                if n == f.rawValue { return range.map { UnsafeRawBufferPointer(rebasing: value[$0]) } }
            }
            return nil
        }

        /// True when field `f` holds exactly `text`.
        package func holds(_ f: Field, _ text: String) -> Bool {
            guard let b = bytes(f) else { return false }
            return text.utf8.elementsEqual(b)
        }

        /// Field `f` as text; nil when the case does not have it.
        package func string(_ f: Field) -> String? { bytes(f).map { String(decoding: $0, as: UTF8.self) } }

        /// The case id.
        package var caseID: String { String(decoding: key, as: UTF8.self) }

        /// True while the case is open (as ``CaseCard/isOpen``).
        package var isOpen: Bool { bytes(.status).map { b in View.open.contains { $0.elementsEqual(b) } } ?? false }
        private static let open: [[UInt8]] = CaseStatus.allCases.filter(\.isOpen).map { Array($0.rawValue.utf8) }

        /// True when the case has unsettled claims.
        package var hasUnsettledClaims: Bool { !holds(.unsettledClaims, "0") }

        /// The whole card, decoded.
        /// - Throws: `.corrupt` when the stored bytes are not a card.
        package func decoded() throws -> CaseCard {
            guard let card = CaseCard(caseID: caseID, bytes: Array(value)) else { throw CaseCard.damaged(caseID) }
            return card
        }
    }
}
