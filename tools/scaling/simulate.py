#!/usr/bin/env python3
"""The ledger past one PostgreSQL, simulated (docs/scaling.md; issue 15 item 8).

    python3 tools/scaling/simulate.py --seed 7
    python3 tools/scaling/simulate.py --seed 7 --json
    python3 tools/scaling/simulate.py --seed 7 --fault sync-acks-early   # a broken variant: must fail

Three runs per seed, each with partitions by number range (each a whole store: chain, chain
per line, RFC 9162 tree, checkpoints, key), a root checkpoint over them, clients that keep
receipts, line moves that crash after a random step, and failovers at random moments:
  sync              synchronous_commit = remote_apply; checkpoints over replicated positions
  async-head        asynchronous replication; checkpoints over the primary's head, with each acknowledgement
  async-replicated  asynchronous replication; checkpoints over replicated positions only
Exit status 0 when every check of every run holds, 1 otherwise. Standard library only;
signatures are HMAC-SHA256 standing in for Ed25519 (partition.KeyRing says why).
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checks  # noqa: E402
from replication import KNOWN_FAULTS  # noqa: E402
from scenario import RUNS, Config, Run  # noqa: E402

CHECKS = (
    ("each partition's chain is whole, recordedAt never decreasing, its standby a prefix",
     checks.partition_chains, None),
    ("no acknowledged event lost under sync", checks.sync_keeps_acknowledged, "sync"),
    ("every lost acknowledged event detected by its client", checks.clients_detect_losses, "async"),
    ("a consistency proof exposes every fork, and only forks", checks.consistency_exposes_forks, None),
    ("every acknowledged fact recorded exactly once", checks.recorded_once, None),
    ("one owner per line; moved lines' chains verify across partitions", checks.moved_lines_verify, None),
    ("root checkpoints consistent exactly where no fork lies between", checks.root_consistency, None),
)


def figures(run, counts):
    acknowledged = {receipt["fact"]["eventId"] for receipt in run.acknowledged()}
    lost = [set(record["lost_event_ids"]) & acknowledged for _, _, record in run.failovers]
    crashes = {}
    for move in run.moves:
        crashes[move["crashedAfter"] or "none"] = crashes.get(move["crashedAfter"] or "none", 0) + 1
    return {
        "events": sum(len(c.primary) for c in run.clusters),
        "acknowledged": len(run.acknowledged()),
        "failovers": len(run.failovers),
        "eventsLostInFailovers": sum(len(r["lost_event_ids"]) for _, _, r in run.failovers),
        "acknowledgedLost": sum(len(ids) for ids in lost),
        "detectedByClients": sum(len(ids & r["detected"]) for ids, (_, _, r) in zip(lost, run.failovers)),
        "resubmitted": sum(c.resubmitted for c in run.clients),
        "positionsReassigned": sum(1 for _, _, r in run.failovers for position, lost_hash in r["lost_hashes"].items()
                                   if (run.router.clusters[r["partition"]].primary.event_at(position) or {})
                                   .get("hash") not in (None, lost_hash)),
        "forksExposed": len(checks.forks(run)),
        "moves": len(run.moves), "movesCrashedAfter": crashes,
        "fencedRefusals": run.router.fenced_refusals,
        "rootCheckpoints": len(run.roots),
        "endToEndProofs": counts["proofs"], "proofSegments": counts["segments"],
        "tamperingsRejected": counts["tamperings"],
    }


def run_one(name, mode, policy, seed, faults, ticks):
    run = Run(Config(name, mode, policy, seed, faults, ticks=ticks)).play()
    results = []
    for title, check, only in CHECKS:
        if only is None or only == mode:
            results.append((title, check(run)))
    problem, counts = checks.end_to_end_proofs(run, random.Random("%s/%s/proofs" % (seed, name)))
    results.append(("end-to-end proofs from the root verify, and fail with one character changed", problem))
    return {"run": name, "mode": mode, "checkpoints": policy, "figures": figures(run, counts),
            "checks": [{"check": title, "ok": problem is None, "problem": problem} for title, problem in results]}


def simulate(seed, faults=(), ticks=120, runs=None):
    """The runs of one seed (all three, or those named in `runs`): a list of reports, as --json prints them."""
    return [run_one(name, mode, policy, seed, faults, ticks) for name, mode, policy in RUNS
            if runs is None or name in runs]


def text(reports, seed):
    lines = []
    for report in reports:
        f = report["figures"]
        lines.append("run %s (seed %d): %d events, %d acknowledged; %d failovers lost %d events (%d acknowledged, "
                     "%d detected by clients, %d resubmitted, %d positions given to other events), %d forks exposed; "
                     "%d moves (crashed after: %s), "
                     "%d fenced writes retried; %d root checkpoints; %d end-to-end proofs (%d segments), "
                     "%d tamperings rejected" % (
                         report["run"], seed, f["events"], f["acknowledged"], f["failovers"],
                         f["eventsLostInFailovers"], f["acknowledgedLost"], f["detectedByClients"], f["resubmitted"],
                         f["positionsReassigned"], f["forksExposed"], f["moves"],
                         ", ".join("%s %d" % item for item in sorted(f["movesCrashedAfter"].items())) or "-",
                         f["fencedRefusals"], f["rootCheckpoints"], f["endToEndProofs"], f["proofSegments"],
                         f["tamperingsRejected"]))
        if report["mode"] == "async" and not f["acknowledgedLost"]:
            lines.append("  note: no failover of this run met a lagging standby: nothing was lost, so the detection "
                         "checks had nothing to find (try another seed)")
        for result in report["checks"]:
            lines.append("  %s: %s" % ("ok" if result["ok"] else "FAILED", result["check"]) +
                         ("" if result["ok"] else " -- " + result["problem"]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ticks", type=int, default=120, help="steps of each run (default 120)")
    parser.add_argument("--fault", action="append", default=[], choices=sorted(KNOWN_FAULTS),
                        help="a deliberate bug the checks must catch (repeatable)")
    parser.add_argument("--run", action="append", choices=[name for name, _, _ in RUNS],
                        help="only this run (repeatable; all three by default)")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    reports = simulate(options.seed, options.fault, options.ticks, options.run)
    print(json.dumps(reports, indent=1, sort_keys=True) if options.json else text(reports, options.seed))
    return 0 if all(result["ok"] for report in reports for result in report["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
