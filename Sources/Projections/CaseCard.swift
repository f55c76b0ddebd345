import Agreement
import Ledger

/// A case's entry in the case index: the few fields the case list filters on and the dashboard
/// counts, kept beside its summary (``ProjectionStore/caseCards()``) so that neither decodes every
/// summary of the ledger. A card is a function of its summary alone (``init(_:)``).
///
/// Stored as its fields in a fixed order (the last one the number of unsettled claims, then each
/// claim's claimant and day), each a two-byte big-endian length then its UTF-8 bytes, `FF FF` for a
/// field the case does not have: no parser, and any text a malformed act carries reads back as it
/// was written.
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

    /// The claim day of its oldest unsettled claim: the first to fall due.
    package var oldestUnsettledClaim: String? { unsettledClaims.first?.claimed }

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

    private static let absent: [UInt8] = [0xFF, 0xFF]

    /// Its stored bytes (the case id is the key).
    package var bytes: [UInt8] {
        var out: [UInt8] = []
        let fixed = [requesting, assisting, status, category, filed, awaitingPresentation, latestDay, String(unsettledClaims.count)]
        for field in fixed + unsettledClaims.flatMap({ [$0.claimant, $0.claimed] }) {
            guard let field else {
                out += CaseCard.absent
                continue
            }
            let utf8 = Array(field.utf8.prefix(0xFFFE))
            out += [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8
        }
        return out
    }

    /// The card stored under `caseID`; nil when the bytes are not a card (a damaged projection).
    package init?(caseID: String, bytes: [UInt8]) {
        var fields: [String?] = []
        var i = 0
        while i < bytes.count {
            guard i + 2 <= bytes.count else { return nil }
            let length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            i += 2
            if length == 0xFFFF {
                fields.append(nil)
                continue
            }
            guard i + length <= bytes.count else { return nil }
            fields.append(String(decoding: bytes[i..<i + length], as: UTF8.self))
            i += length
        }
        guard fields.count >= 8, let requesting = fields[0], let status = fields[2], let n = fields[7].flatMap({ Int($0) }),
            fields.count == 8 + 2 * n
        else { return nil }
        self.caseID = caseID
        self.requesting = requesting
        assisting = fields[1]
        self.status = status
        category = fields[3]
        filed = fields[4]
        awaitingPresentation = fields[5]
        latestDay = fields[6]
        var claims: [UnsettledClaim] = []
        for i in 0..<n {
            guard let claimant = fields[8 + 2 * i], let claimed = fields[9 + 2 * i] else { return nil }
            claims.append(UnsettledClaim(claimant: claimant, claimed: claimed))
        }
        unsettledClaims = claims
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
                guard i + 2 <= value.count else { return nil }
                let length = Int(value[i]) << 8 | Int(value[i + 1])
                i += 2
                if length == 0xFFFF {
                    if n == f.rawValue { return nil }
                    continue
                }
                guard i + length <= value.count else { return nil }
                if n == f.rawValue { return UnsafeRawBufferPointer(rebasing: value[i..<i + length]) }
                i += length
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
            guard let card = CaseCard(caseID: caseID, bytes: Array(value)) else {
                throw LedgerError(.corrupt, "the case index's entry for \(caseID) is damaged; run `amparo rebuild`")
            }
            return card
        }
    }
}
