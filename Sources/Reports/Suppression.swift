/// Small-cell suppression for published statistics.
///
/// Primary: a count with 0 < n < minimum is hidden (shown "<N"); zeros are shown, since they
/// single out no one. Complementary: wherever a row or column (whose total is published) has
/// exactly one hidden cell, the smallest other non-zero cell of that line is hidden too, repeated
/// until no line has exactly one — so no hidden cell equals its total minus the visible cells.
public enum Suppression {
    /// The hidden-cell mask of `table` (rows × columns of counts).
    public static func mask(_ table: [[Int]], minimum: Int) -> [[Bool]] {
        var hidden = table.map { row in row.map { $0 > 0 && $0 < minimum } }
        guard minimum > 1, !table.isEmpty else { return hidden }
        let rows = table.count
        let cols = table[0].count
        var changed = true
        while changed {
            changed = false
            for r in 0..<rows where hidden[r].filter({ $0 }).count == 1 {
                if let c = pick((0..<cols).filter { !hidden[r][$0] }, value: { table[r][$0] }) {
                    hidden[r][c] = true
                    changed = true
                }
            }
            for c in 0..<cols where (0..<rows).filter({ hidden[$0][c] }).count == 1 {
                if let r = pick((0..<rows).filter { !hidden[$0][c] }, value: { table[$0][c] }) {
                    hidden[r][c] = true
                    changed = true
                }
            }
        }
        return hidden
    }

    /// The smallest non-zero candidate, else the smallest (ties: the first).
    static func pick(_ candidates: [Int], value: (Int) -> Int) -> Int? {
        candidates.filter { value($0) > 0 }.min { value($0) < value($1) } ?? candidates.min { value($0) < value($1) }
    }

    /// How a count is published.
    public static func cell(_ n: Int, hidden: Bool, minimum: Int) -> String { hidden ? "<\(minimum)" : String(n) }
}
