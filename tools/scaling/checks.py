"""What a run must show, each a check that names what failed.

The checks that judge detection (the clients', the consistency proofs') compare what the
clients and auditors found by their own means with what the simulation knows vanished:
the failover's record is the simulation's knowledge, never an input of the detectors.
"""

import json
from collections import Counter

from moves import owners
from partition import ZERO, event_hash, is_hex64
from root import (checkpoint_consistency_problem, events_problem, line_proof, line_segments, proof_problem,
                  root_consistency_problems)


def partition_chains(run):
    """Each partition's log is gap-free and chained, and its standby holds a prefix of it."""
    for cluster in run.clusters:
        previous = ZERO
        for position, event in enumerate(cluster.primary.events, 1):
            if event["position"] != position or event["prevHash"] != previous or not is_hex64(event["hash"]) \
                    or event_hash(event) != event["hash"]:
                return "partition %s: the chain breaks at position %d" % (cluster.name, position)
            if position > 1 and event["recordedAt"] < cluster.primary.events[position - 2]["recordedAt"]:
                return "partition %s: recordedAt decreases at position %d" % (cluster.name, position)
            previous = event["hash"]
        if cluster.standby.events != cluster.primary.events[:len(cluster.standby)]:
            return "partition %s: the standby is not a prefix of the primary" % cluster.name
    return None


def acknowledged_lost(run):
    """The acknowledged event ids that a failover took away (the simulation's knowledge)."""
    acknowledged = {receipt["fact"]["eventId"] for receipt in run.acknowledged()}
    return {event_id for _, _, record in run.failovers for event_id in record["lost_event_ids"]
            if event_id in acknowledged}


def sync_keeps_acknowledged(run):
    """Under sync replication no acknowledged event is lost: each is at its acknowledged
    position with its acknowledged hash, in its partition, after every failover."""
    lost = acknowledged_lost(run)
    if lost:
        return "%d acknowledged event(s) lost in failovers under sync, e.g. %s" % (len(lost), sorted(lost)[0])
    for receipt in run.acknowledged():
        event = run.router.clusters[receipt["partition"]].primary.event_at(receipt["position"])
        if event is None or event["hash"] != receipt["hash"]:
            return "an acknowledged receipt (%s position %d) no longer holds" % (receipt["partition"],
                                                                                 receipt["position"])
    return None


def clients_detect_losses(run):
    """Every acknowledged event a failover took away was found missing by its client's check
    right after that failover."""
    acknowledged = {receipt["fact"]["eventId"] for receipt in run.acknowledged()}
    for tick, _, record in run.failovers:
        missed = (set(record["lost_event_ids"]) & acknowledged) - record["detected"]
        if missed:
            return "%d acknowledged event(s) lost at tick %d that no client detected, e.g. %s" % (
                len(missed), tick, sorted(missed)[0])
    return None


def _prover(cluster):
    return lambda m, n: (cluster.primary.tree.consistency_path(m, n) if n <= len(cluster.primary) else None)


def undone(cluster, index):
    """Whether a failover after checkpoint `index` of `cluster` was signed cut the log below its
    size (the simulation's knowledge): then that checkpoint covers events that are no longer there."""
    size = cluster.checkpoints[index]["size"]
    return any(record["checkpoints_before"] > index and record["size_after"] < size for record in cluster.failovers)


def consistency_exposes_forks(run):
    """Each checkpoint a partition ever signed is consistent with its final one exactly when no
    later failover took away events it covers (a fork, which the consistency proof exposes).
    Checkpoints over replicated positions (and all under sync) never cover such events. With
    checkpoints over the head, every failover that lost acknowledged events is exposed by the
    last checkpoint signed before it (each acknowledgement came with one)."""
    acknowledged = {receipt["fact"]["eventId"] for receipt in run.acknowledged()}
    for cluster in run.clusters:
        final, prove = cluster.latest_checkpoint(), _prover(cluster)
        for index, checkpoint in enumerate(cluster.checkpoints):
            forked = undone(cluster, index)
            if forked and (cluster.policy == "replicated" or cluster.mode == "sync"):
                return "partition %s: a failover took away events of a checkpoint over replicated positions" % (
                    cluster.name)
            problem = checkpoint_consistency_problem(checkpoint, final, prove)
            if forked and problem is None:
                return "partition %s: checkpoint %d (size %d) covers lost events, yet is consistent with the " \
                       "final one" % (cluster.name, index + 1, checkpoint["size"])
            if not forked and problem is not None:
                return "partition %s: nothing of checkpoint %d was lost, yet %s" % (cluster.name, index + 1, problem)
        for record in cluster.failovers:
            lost = set(record["lost_event_ids"]) & acknowledged
            if cluster.policy == "head" and lost and not (record["checkpoints_before"] and
                                                          undone(cluster, record["checkpoints_before"] - 1)):
                return "partition %s: acknowledged events lost at tick %d under no checkpoint signed before" % (
                    cluster.name, record["tick"])
    return None


def recorded_once(run):
    """Every fact a client was acknowledged for is in the final logs exactly once (by its
    reference), whatever failovers, moves and resubmissions happened."""
    counts = Counter(event["data"]["ref"] for log in run.logs().values() for event in log.events
                     if "ref" in event["data"])
    refs = {receipt["fact"]["data"]["ref"] for receipt in run.acknowledged()}
    twice = sorted(ref for ref, count in counts.items() if count > 1)
    if twice:
        return "%d fact(s) recorded more than once, e.g. %s" % (len(twice), twice[0])
    missing = sorted(ref for ref in refs if counts[ref] == 0)
    if missing:
        return "%d acknowledged fact(s) missing at the end, e.g. %s" % (len(missing), missing[0])
    return None


def moved_lines_verify(run):
    """Every line lives in exactly one partition (the directory's), and every moved line's
    chain verifies across the partitions it lived in: in the final logs, and from the last
    root checkpoint (as far as its partitions' checkpoints reach)."""
    for client in run.clients:
        for line in client.lines:
            found = owners(run.router, line)
            if found and found != [run.router.partition_of(line)]:
                return "line %s is writable in %s, the directory says %s" % (line, found, run.router.partition_of(line))
    whole = [{"partition": c.name, "checkpoint": {"size": len(c.primary)}} for c in run.clusters]
    root = run.roots[-1][1]
    for line in sorted({move["line"] for move in run.moves}):
        segments = [{"leaf": whole[index], "events": events}
                    for index, events in line_segments(line, whole, run.logs())]
        problem = events_problem(line, segments)
        if problem is not None:
            return "moved line %s, in the final logs: %s" % (line, problem)
        if len(segments) < 2:
            return "moved line %s is in one partition only" % line
        problem = proof_problem(run.keys, run.root_key, line_proof(root, line, run.logs()))
        if problem is not None:
            return "moved line %s: %s" % (line, problem)
    return None


def _undone(run, index):
    """For root checkpoint `index`: partition name -> whether a later failover undid its checkpoint there."""
    undone_there = {}
    for leaf in run.roots[index][1]["leaves"]:
        cluster = run.router.clusters[leaf["partition"]]
        signed = next(i for i, c in enumerate(cluster.checkpoints) if c is leaf["checkpoint"])
        undone_there[leaf["partition"]] = undone(cluster, signed)
    return undone_there


def _fork_between(run, old, new):
    """Whether roots `old` and `new` hold, for some partition, two different checkpoints one of
    which a later failover undid (equal checkpoints are consistent with no proof at all)."""
    undone_old, undone_new = _undone(run, old), _undone(run, new)
    leaves_new = {leaf["partition"]: leaf["checkpoint"] for leaf in run.roots[new][1]["leaves"]}
    return any(leaf["checkpoint"] != leaves_new[leaf["partition"]]
               and (undone_old[leaf["partition"]] or undone_new[leaf["partition"]])
               for leaf in run.roots[old][1]["leaves"])


def forks(run):
    """The failovers that took signed events away (the simulation's knowledge): a fork of the signed history."""
    return [record for cluster in run.clusters for record in cluster.failovers
            if any(checkpoint["size"] > record["size_after"]
                   for checkpoint in cluster.checkpoints[:record["checkpoints_before"]])]


def root_consistency(run):
    """Each root checkpoint is consistent with the next and with the last (the operator's
    consistency proofs, made from the partitions' logs as they are now, verify) exactly when no
    partition's checkpoint differs between the two while a failover undid one of them: whoever
    kept a root from before a fork can show the fork to anyone."""
    provers = {cluster.name: _prover(cluster) for cluster in run.clusters}
    last = len(run.roots) - 1 - (1 if "tampered-root" in run.config.faults else 0)
    for index in range(last):
        for other in (index + 1, last):
            problems = root_consistency_problems(run.keys, run.root_key, run.roots[index][1], run.roots[other][1],
                                                 provers)
            if bool(problems) != _fork_between(run, index, other):
                return "roots %d and %d: %s" % (index, other, problems[0] if problems else
                                                "consistent, though a failover undid what one of them signed")
    return None


def _fields(value, path=()):
    """The paths to every string and integer inside a proof: what one changed byte could touch."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _fields(value[key], path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _fields(item, path + (index,))
    elif type(value) in (str, int):
        yield path


def _changed(value, rng):
    """`value` with one character changed (for a string: a hex digit to another, a letter to another
    letter, anything else to 'x'), or plus one (an integer)."""
    if type(value) is int:
        return value + 1
    if not value:
        return "x"
    at = rng.randrange(len(value))
    char = value[at]
    pool = "0123456789abcdef" if char in "0123456789abcdef" else \
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ" if char.isupper() else "x!")
    new = rng.choice([c for c in pool if c != char])
    return value[:at] + new + value[at + 1:]


def tampered(proof, rng):
    """A deep copy of `proof` with one field changed by one character; returns (copy, the field's path)."""
    paths = list(_fields(proof))
    path = paths[rng.randrange(len(paths))]
    changed = json.loads(json.dumps(proof))  # a deep copy (the proof is JSON)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = _changed(holder[path[-1]], rng)
    return changed, path


def end_to_end_proofs(run, rng, lines=8, tamperings=25):
    """Sampled lines (the moved ones first) prove themselves from the last root checkpoint
    alone, and each proof with one character changed anywhere fails. Returns (problem, counts)."""
    root = run.roots[-1][1]
    moved = sorted({move["line"] for move in run.moves})
    others = sorted(line for client in run.clients for line in client.lines if line not in moved)
    sample = (moved + rng.sample(others, len(others)))[:lines]
    counts = {"proofs": 0, "tamperings": 0, "segments": 0}
    for line in sample:
        proof = line_proof(root, line, run.logs())
        if not proof["segments"]:
            continue
        problem = proof_problem(run.keys, run.root_key, proof)
        if problem is not None:
            return "line %s: %s" % (line, problem), counts
        counts["proofs"] += 1
        counts["segments"] += len(proof["segments"])
        for _ in range(tamperings):
            changed, path = tampered(proof, rng)
            if proof_problem(run.keys, run.root_key, changed) is None:
                return "line %s: the proof with %s changed still verifies" % (line, "/".join(map(str, path))), counts
            counts["tamperings"] += 1
    return None, counts
