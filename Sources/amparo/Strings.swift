/// Sentences the command line prints about the ledger's operation (warnings and notes). One place,
/// so the Spanish catalog (issue 13) has one file to mirror.
enum Strings {
    static func projectionsBehind(applied: UInt64, size: UInt64, reason: String) -> String {
        "amparo: note: the projections are at sequence \(applied) of \(size) and could not catch up (\(reason)); this output is as of sequence \(applied)"
    }

    static func catchUpFailed(_ reason: String) -> String {
        "amparo: warning: the events are recorded, but the projections could not catch up (\(reason)); the next report catches up"
    }
}
