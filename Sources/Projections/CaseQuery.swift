import Agreement

/// What a case list asks of the case index: `amparo cases`'s options and `/api/cases`'s query
/// parameters are the same question, answered by one predicate over the stored cards (only the
/// cases kept are decoded). Findings are the caller's (they come from a verify run).
package struct CaseQuery: Sendable, Equatable {
    package var requesting: String?
    package var assisting: String?
    /// Requested or assisted by this State.
    package var state: String?
    package var status: String?
    package var category: String?
    /// Filing dates, inclusive (`YYYY-MM-DD`).
    package var from: String?
    package var to: String?
    package var open: Bool?

    package init(
        requesting: String? = nil, assisting: String? = nil, state: String? = nil, status: String? = nil, category: String? = nil,
        from: String? = nil, to: String? = nil, open: Bool? = nil
    ) {
        (self.requesting, self.assisting, self.state, self.status) = (requesting, assisting, state, status)
        (self.category, self.from, self.to, self.open) = (category, from, to, open)
    }

    /// True when the case on `card` answers the query.
    package func matches(_ c: CaseCard.View) -> Bool {
        (requesting.map { c.holds(.requesting, $0) } ?? true) && (assisting.map { c.holds(.assisting, $0) } ?? true)
            && (state.map { c.holds(.requesting, $0) || c.holds(.assisting, $0) } ?? true)
            && (status.map { c.holds(.status, $0) } ?? true) && (category.map { c.holds(.category, $0) } ?? true)
            && (from.map { (c.string(.filed) ?? "") >= $0 } ?? true) && (to.map { (c.string(.filed) ?? "9999") <= $0 } ?? true)
            && (open.map { c.isOpen == $0 } ?? true)
    }
}
