// Writes the signed scenario and its expected breaches:
//   swift run scenario [--cases N] [--seed S] [--out DIR]      (default: 40 cases into Fixtures/scenario)
// DIR/events.jsonl: the signed events (RFC 8785 canonical bytes, one per line, in recording order);
// DIR/expected-breaches.json: the (rule, event, case) each planted breach must produce;
// DIR/secretariat.vkey: the test-only Secretariat verifier key the events chain to.
// The keys are TEST-ONLY (derived from a public phrase, see Sources/Scenario/ScenarioKeys.swift).
import Agreement
import Foundation
import Ledger
import Scenario

var cases = 40
var seed: UInt64 = 2015
var out = "Fixtures/scenario"
var args = CommandLine.arguments.dropFirst()
while let flag = args.popFirst() {
    guard let value = args.popFirst() else { fatalError("\(flag) needs a value") }
    switch flag {
    case "--cases": cases = Int(value)!
    case "--seed": seed = UInt64(value)!
    case "--out": out = value
    default:
        FileHandle.standardError.write(Data("usage: scenario [--cases N] [--seed S] [--out DIR]\n".utf8))
        exit(2)
    }
}
try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
_ = FileManager.default.createFile(atPath: out + "/events.jsonl", contents: nil)  // (opening it below says why not)
let file = try FileHandle(forWritingTo: URL(fileURLWithPath: out + "/events.jsonl"))
var buffer: [UInt8] = []
var words: [UInt8] = []
var count = 0
let expected = try ScenarioGenerator(cases: cases, seed: seed).generateWithWords({ event, parts in
    buffer += event.bytes + [0x0A]
    for part in parts { words += part.line + [0x0A] }
    count += 1
    if buffer.count > 1 << 20 {
        file.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
})
file.write(Data(buffer))
guard FileManager.default.createFile(atPath: out + "/words.jsonl", contents: Data(words)) else {
    FileHandle.standardError.write(Data("scenario: cannot write \(out)/words.jsonl\n".utf8))
    exit(2)
}
try file.close()
let json = JSONValue.object([
    "cases": .number(Double(cases)), "seed": .number(Double(seed)), "events": .number(Double(count)),
    "breaches": .array(expected.map { .object(["rule": .string($0.rule.rawValue), "event": .string($0.event), "case": .string($0.caseID)]) }),
])
try (CanonicalJSON.string(json) + "\n").write(toFile: out + "/expected-breaches.json", atomically: true, encoding: .utf8)
try (ScenarioKeys.key(Codes.secretariat).verifierKey.description + "\n").write(toFile: out + "/secretariat.vkey", atomically: true, encoding: .utf8)
print("wrote \(count) events and \(expected.count) expected breaches to \(out)")
