// A child process for the crash test: appends batches of drafts to a ledger through the normal
// write path and, after each commit, prints "acked <last seq> <id> <id> ..." and flushes.
// The test kills it with SIGKILL mid-stream and checks every acknowledged event survived.
import Foundation
import Ledger

let args = CommandLine.arguments
// `hold-read LEDGER`: open a read snapshot, say "ready", and hold it until killed (a reader that
// dies inside its transaction, for the stale-reader test).
if args.count == 3, args[1] == "hold-read" {
    do {
        let log = try EventLog.open(path: args[2])
        try log.snapshot {
            _ = try log.size()
            FileHandle.standardOutput.write(Data("ready\n".utf8))
            while true { sleep(60) }
        }
    } catch {
        FileHandle.standardError.write(Data("amparo-crash-appender: \(error)\n".utf8))
        exit(2)
    }
}
guard args.count == 5, let batches = Int(args[3]), let batchSize = Int(args[4]) else {
    FileHandle.standardError.write(Data("usage: amparo-crash-appender LEDGER KEY.pem BATCHES BATCH-SIZE\n".utf8))
    exit(2)
}
do {
    let log = try EventLog.open(path: args[1])
    let key = try SigningKey.load(path: args[2], name: "signer")
    let recorder = Recorder(log: log)
    for b in 0..<batches {
        let lines = (0..<batchSize).map { i in
            // Lawful network events (focal-point designations), so `verify` judges the log clean.
            Recorder.Line(
                number: i + 1,
                draft: Draft(
                    type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-06-01T12:00:00Z")!,
                    payload: [
                        "office": .string("office \(b)-\(i) " + String(repeating: "n", count: 150)), "email": "fp@sre.example",
                        "telephone": "+52 55 0000 0000",
                    ]))
        }
        let results = try recorder.record(lines, key: key, keyFile: args[2])
        let ids = results.map { $0.event.id.description }.joined(separator: " ")
        FileHandle.standardOutput.write(Data("acked \(results.last!.outcome.seq) \(ids)\n".utf8))
    }
} catch {
    FileHandle.standardError.write(Data("amparo-crash-appender: \(error)\n".utf8))
    exit(2)
}
