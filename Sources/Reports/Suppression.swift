/// Small-cell suppression for published statistics, with an audit that proves it.
///
/// A table is published extended with its row totals, column totals and grand total; every row
/// and column of that matrix is a sum relation. Each entry is published as one of:
/// - **shown**: its value;
/// - **primary** (`<5`): a count with 0 < n < minimum; the label states the interval [1, minimum−1];
/// - **withheld** (`x`): hidden so that the others cannot be recovered; the label states nothing
///   (any value ≥ 0). With a minimum of 2, "<2" would state the value (1), so primary cells are
///   withheld too.
///
/// Zeros are shown: they single out no one. The **audit** computes, for every hidden entry, the
/// exact range of integer values the published table admits: the shown entries, the sum
/// relations and the intervals the labels state. It is a bounded flow problem (rows → columns,
/// row sums and column sums bounded), solved exactly by max-flow feasibility. Suppression hides
/// further entries until every hidden entry admits at least two values; a table that still fails
/// is never published (``CountTable/check()``).
package enum Suppression {
    package enum Label: Sendable, Equatable {
        case shown, primary, withheld
    }

    /// The labels of `table` (the extended matrix: the last row and column are the totals).
    /// `alsoHide` marks entries withheld whatever their value (differencing, below).
    package static func labels(_ table: [[Int]], minimum: Int, alsoHide: [[Bool]]? = nil) -> [[Label]] {
        guard let cols = table.first?.count, cols > 0 else { return table.map { _ in [] } }
        var labels = table.map { row in
            row.map { n -> Label in n > 0 && n < minimum ? (minimum > 2 ? .primary : .withheld) : .shown }
        }
        if let alsoHide {
            for (r, row) in alsoHide.enumerated() { for (c, hide) in row.enumerated() where hide && labels[r][c] == .shown { labels[r][c] = .withheld } }
        }
        guard minimum > 1 else { return labels }
        // Hide more until the audit passes; each step hides one more entry, so this ends.
        while let pinned = failures(table, labels: labels, minimum: minimum, first: true).first {
            guard let next = complement(for: pinned, table: table, labels: labels) else { break }
            labels[next.0][next.1] = .withheld
        }
        return labels
    }

    /// The next entry to withhold for a pinned hidden entry: the smallest non-zero shown entry of
    /// its row or column (interior cells before totals), else the smallest shown entry anywhere,
    /// else a "<N" entry (a total first) whose interval is what pins it.
    static func complement(for pinned: (Int, Int), table: [[Int]], labels: [[Label]]) -> (Int, Int)? {
        let rows = table.count
        let cols = table[0].count
        let (r, c) = pinned
        let line = (0..<cols).map { (r, $0) } + (0..<rows).map { ($0, c) }
        let all = (0..<rows).flatMap { i in (0..<cols).map { (i, $0) } }
        for candidates in [line, all] {
            let shown = candidates.filter { labels[$0.0][$0.1] == .shown }
            func key(_ p: (Int, Int)) -> (Int, Int, Int) {
                let isTotal = p.0 == rows - 1 || p.1 == cols - 1 ? 1 : 0
                let n = table[p.0][p.1]
                return (n == 0 ? 1 : 0, isTotal, n)
            }
            if let best = shown.min(by: { key($0) < key($1) }) { return best }
        }
        // Nothing left to show: widen a "<N" to "x" (its interval [1, N−1] is what pins), totals first.
        for candidates in [line, all] {
            let primary = candidates.filter { labels[$0.0][$0.1] == .primary }
            if let total = primary.first(where: { $0.0 == rows - 1 || $0.1 == cols - 1 }) ?? primary.first { return total }
        }
        return nil
    }

    /// How an entry is published.
    package static func cell(_ n: Int, label: Label, minimum: Int) -> String {
        switch label {
        case .shown: String(n)
        case .primary: "<\(minimum)"
        case .withheld: "x"
        }
    }

    // MARK: Audit

    /// A bound no count reaches, for entries whose label states no upper bound.
    static let unbounded = 1 << 40

    /// The interval an entry's publication states.
    static func interval(_ n: Int, _ label: Label, _ minimum: Int) -> ClosedRange<Int> {
        switch label {
        case .shown: n...n
        case .primary: 1...(minimum - 1)
        case .withheld: 0...unbounded
        }
    }

    /// The hidden entries the published table pins to one value (in reading order): none for a
    /// table fit to publish. `first`: stop at the first.
    package static func failures(_ table: [[Int]], labels: [[Label]], minimum: Int, first: Bool = false) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        for (r, row) in labels.enumerated() {
            for (c, label) in row.enumerated() where label != .shown && isPinned(table, labels: labels, minimum: minimum, entry: (r, c)) {
                out.append((r, c))
                if first { return out }
            }
        }
        return out
    }

    /// Whether the published table admits one value only for `entry` (``bounds(_:labels:minimum:entry:)``
    /// is a single value), decided by at most two max-flows instead of a search: the values a
    /// bounded flow admits for one edge form an interval holding the true value, so it is pinned
    /// exactly when no value below the truth and none above is feasible.
    static func isPinned(_ table: [[Int]], labels: [[Label]], minimum: Int, entry: (Int, Int)) -> Bool {
        let own = interval(table[entry.0][entry.1], labels[entry.0][entry.1], minimum)
        let truth = table[entry.0][entry.1]
        func feasible(_ range: ClosedRange<Int>) -> Bool {
            Feasibility(table: table, labels: labels, minimum: minimum, entry: entry, range: range).isFeasible
        }
        if own.lowerBound < truth && feasible(own.lowerBound...(truth - 1)) { return false }
        if truth < own.upperBound && feasible((truth + 1)...own.upperBound) { return false }
        return true
    }

    /// The exact integer range of values the published table admits for one entry.
    package static func bounds(_ table: [[Int]], labels: [[Label]], minimum: Int, entry: (Int, Int)) -> ClosedRange<Int> {
        let own = interval(table[entry.0][entry.1], labels[entry.0][entry.1], minimum)
        func feasible(_ range: ClosedRange<Int>) -> Bool {
            Feasibility(table: table, labels: labels, minimum: minimum, entry: entry, range: range).isFeasible
        }
        // The true value is feasible: search down from it for the least, up for the greatest.
        let truth = table[entry.0][entry.1]
        var (low, high) = (own.lowerBound, truth)
        while low < high {
            let mid = low + (high - low) / 2
            if feasible(own.lowerBound...mid) { high = mid } else { low = mid + 1 }
        }
        let least = low
        (low, high) = (truth, own.upperBound)
        while low < high {
            let mid = low + (high - low + 1) / 2
            if feasible(mid...own.upperBound) { low = mid } else { high = mid - 1 }
        }
        return least...low
    }

    /// Whether some table fits the publication with one entry held to `range`: a circulation
    /// with bounds (source → row r: its total; row r → column c: the cell; column c → sink: its
    /// total; sink → source: the grand total), decided by one max-flow.
    struct Feasibility {
        let table: [[Int]]
        let labels: [[Label]]
        let minimum: Int
        let entry: (Int, Int)
        let range: ClosedRange<Int>

        var isFeasible: Bool {
            let rows = table.count - 1
            let cols = table[0].count - 1
            let held = Suppression.interval(table[entry.0][entry.1], labels[entry.0][entry.1], minimum)
            guard max(held.lowerBound, range.lowerBound) <= min(held.upperBound, range.upperBound) else { return false }
            func bound(_ r: Int, _ c: Int) -> ClosedRange<Int> {
                let own = Suppression.interval(table[r][c], labels[r][c], minimum)
                return (r, c) == entry ? max(own.lowerBound, range.lowerBound)...min(own.upperBound, range.upperBound) : own
            }
            let source = 0
            let sink = rows + cols + 1
            var flow = FlowNetwork(nodes: rows + cols + 4)
            var excess = [Int](repeating: 0, count: rows + cols + 2)
            func edge(_ from: Int, _ to: Int, _ b: ClosedRange<Int>) {
                flow.add(from, to, b.upperBound - b.lowerBound)
                excess[to] += b.lowerBound
                excess[from] -= b.lowerBound
            }
            for r in 0..<rows { edge(source, 1 + r, bound(r, cols)) }
            for r in 0..<rows { for c in 0..<cols { edge(1 + r, 1 + rows + c, bound(r, c)) } }
            for c in 0..<cols { edge(1 + rows + c, sink, bound(rows, c)) }
            edge(sink, source, bound(rows, cols))
            let superSource = rows + cols + 2
            let superSink = rows + cols + 3
            var demand = 0
            for (v, e) in excess.enumerated() {
                if e > 0 {
                    flow.add(superSource, v, e)
                    demand += e
                } else if e < 0 {
                    flow.add(v, superSink, -e)
                }
            }
            return flow.maxFlow(from: superSource, to: superSink) == demand
        }
    }
}

/// A small max-flow (Edmonds–Karp on an adjacency matrix): the tables have at most a few dozen
/// rows and columns.
struct FlowNetwork {
    var capacity: [[Int]]

    init(nodes: Int) { capacity = Array(repeating: Array(repeating: 0, count: nodes), count: nodes) }

    mutating func add(_ from: Int, _ to: Int, _ amount: Int) { capacity[from][to] += amount }

    mutating func maxFlow(from source: Int, to sink: Int) -> Int {
        let n = capacity.count
        var total = 0
        while true {
            var parent = [Int](repeating: -1, count: n)
            parent[source] = source
            var queue = [source]
            var head = 0
            while head < queue.count, parent[sink] < 0 {
                let u = queue[head]
                head += 1
                for v in 0..<n where parent[v] < 0 && capacity[u][v] > 0 {
                    parent[v] = u
                    queue.append(v)
                }
            }
            guard parent[sink] >= 0 else { return total }
            var push = Int.max
            var v = sink
            while v != source {
                push = min(push, capacity[parent[v]][v])
                v = parent[v]
            }
            v = sink
            while v != source {
                capacity[parent[v]][v] -= push
                capacity[v][parent[v]] += push
                v = parent[v]
            }
            total += push
        }
    }
}
