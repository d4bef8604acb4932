"""The root checkpoint over the partitions, and the proofs an auditor checks from it alone.

A root leaf is one partition's latest signed checkpoint with what names the partition (its
name, index, number range and key id); its entry is SHA-256 of the leaf's canonical JSON.
The root tree is RFC 9162's over the entries in partition order, and the root checkpoint is
its size (the number of partitions) and root hash, signed by the root key as a C2SP note.

An end-to-end proof of one line, as of a root checkpoint: the line's events in every
partition it has lived in, cut into segments (one partition each, in version order); for
each segment its partition's leaf with an inclusion path to the root, and an inclusion path
of the segment's last event under that leaf's checkpoint. The stream's chain carries each
inclusion back to the segment's first event, and LineMovedOut/LineMovedIn link the segments.
"""

import hashlib

import merkle
from merkle import MerkleLog
from partition import canonical, checkpoint_problem, event_hash, sign_checkpoint, ZERO


def leaf_entry(leaf):
    return hashlib.sha256(canonical(leaf)).digest()


def make_root(keys, root_key_id, origin, clusters):
    """A root record: the signed root checkpoint and the leaves it is over (published with it)."""
    leaves = []
    for cluster in clusters:
        low, high = cluster.number_range
        leaves.append({"partition": cluster.name, "index": cluster.index, "from": low, "to": high,
                       "keyId": cluster.key_id, "checkpoint": cluster.latest_checkpoint()})
    assert all(leaf["checkpoint"] is not None for leaf in leaves), "every partition signed a checkpoint"
    tree = MerkleLog()
    for leaf in leaves:
        tree.append(leaf_entry(leaf))
    checkpoint = sign_checkpoint(keys, root_key_id, origin, len(leaves), tree.root())
    return {"checkpoint": checkpoint, "leaves": leaves, "tree": tree}


def line_segments(line, leaves, logs):
    """The line's events as of the leaves' checkpoints, in version order, cut into runs of one partition."""
    found = []
    for index, leaf in enumerate(leaves):
        size = leaf["checkpoint"]["size"]
        for event in logs[leaf["partition"]].events[:size]:
            if event["line"] == line:
                found.append((event["streamVersion"], index, event))
    found.sort(key=lambda item: item[0])
    segments = []
    for _, index, event in found:
        if not segments or segments[-1][0] != index:
            segments.append((index, []))
        segments[-1][1].append(event)
    return segments


def line_proof(root, line, logs):
    """The end-to-end proof of `line` as of `root` (logs: partition name -> its primary's log)."""
    segments = []
    for index, events in line_segments(line, root["leaves"], logs):
        leaf = root["leaves"][index]
        checkpoint, last = leaf["checkpoint"], events[-1]
        path = logs[leaf["partition"]].tree.inclusion_path(last["position"] - 1, checkpoint["size"])
        segments.append({
            "leaf": leaf, "leafIndex": index,
            "leafPath": [h.hex() for h in root["tree"].inclusion_path(index, len(root["leaves"]))],
            "events": [dict(e) for e in events],
            "inclusion": {"leafIndex": last["position"] - 1, "treeSize": checkpoint["size"],
                          "path": [h.hex() for h in path]}})
    return {"line": line, "root": dict(root["checkpoint"]), "segments": segments}


def _hexes(values):
    if type(values) is not list or not all(type(v) is str and len(v) == 64 for v in values):
        raise ValueError("not a list of hashes")
    return [bytes.fromhex(v) for v in values]


def _segment_problem(keys, root, segment, at):
    """Why a segment's leaf is not in the root, or its last event not under the leaf's checkpoint."""
    leaf, checkpoint = segment["leaf"], segment["leaf"]["checkpoint"]
    entry = merkle.leaf_hash(leaf_entry(leaf))
    if merkle.inclusion_root(segment["leafIndex"], root["size"], entry, _hexes(segment["leafPath"])) \
            != bytes.fromhex(root["rootHash"]):
        return "%s: the partition's leaf is not in the root checkpoint" % at
    if checkpoint["origin"] != "subledger/%s" % leaf["partition"]:
        return "%s: the checkpoint's origin is not partition %s's" % (at, leaf["partition"])
    problem = checkpoint_problem(keys, checkpoint, leaf["keyId"])
    if problem is not None:
        return "%s: partition checkpoint: %s" % (at, problem)
    last, inclusion = segment["events"][-1], segment["inclusion"]
    if inclusion["leafIndex"] != last["position"] - 1 or inclusion["treeSize"] != checkpoint["size"]:
        return "%s: the inclusion proof is not of the last event under the checkpoint" % at
    event_leaf = merkle.leaf_hash(bytes.fromhex(last["hash"]))
    if merkle.inclusion_root(inclusion["leafIndex"], inclusion["treeSize"], event_leaf, _hexes(inclusion["path"])) \
            != bytes.fromhex(checkpoint["rootHash"]):
        return "%s: the last event is not in the partition's checkpoint" % at
    return None


def _boundary_problem(previous, event, previous_partition, partition):
    """Why two consecutive events of a line in different partitions are not a move's two halves."""
    out, into = previous["data"], event["data"]
    if previous["type"] != "LineMovedOut" or event["type"] != "LineMovedIn":
        return "the line changes partition without LineMovedOut then LineMovedIn"
    if out.get("toPartition") != partition or into.get("fromPartition") != previous_partition:
        return "the move's partitions do not match the segments'"
    if into.get("moveId") != out.get("moveId") or into.get("movedOutHash") != previous["hash"]:
        return "LineMovedIn does not name the LineMovedOut before it"
    return None


def events_problem(line, segments):
    """The stream's chain across the segments: versions 1, 2, ..., each linked, each hash right."""
    previous = previous_partition = None
    for number, segment in enumerate(segments, 1):
        partition, last_position = segment["leaf"]["partition"], 0
        for event in segment["events"]:
            at = "segment %d, %s position %s" % (number, partition, event.get("position"))
            if event.get("line") != line or event_hash(event) != event.get("hash"):
                return "%s: the event's hash does not verify, or it is another line's" % at
            if event["position"] <= last_position:
                return "%s: positions do not increase" % at
            version, link = (1, ZERO) if previous is None else (previous["streamVersion"] + 1, previous["hash"])
            if event["streamVersion"] != version or event["streamPrevHash"] != link:
                return "%s: the line's chain breaks (streamVersion %s)" % (at, event["streamVersion"])
            if previous is not None and previous_partition != partition:
                problem = _boundary_problem(previous, event, previous_partition, partition)
                if problem is not None:
                    return "%s: %s" % (at, problem)
            elif previous is not None and previous["type"] == "LineMovedOut":
                return "%s: an event after LineMovedOut in the same partition" % at
            previous, previous_partition, last_position = event, partition, event["position"]
    return None


def proof_problem(keys, root_key_id, proof):
    """Why an end-to-end proof of a line does not verify from its root checkpoint, or None."""
    try:
        problem = checkpoint_problem(keys, proof["root"], root_key_id)
        if problem is not None:
            return "root checkpoint: %s" % problem
        if not proof["segments"] or not all(segment["events"] for segment in proof["segments"]):
            return "no events: nothing is proven"
        for number, segment in enumerate(proof["segments"], 1):
            problem = _segment_problem(keys, proof["root"], segment, "segment %d" % number)
            if problem is not None:
                return problem
        return events_problem(proof["line"], proof["segments"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        return "malformed proof (%s: %s)" % (type(error).__name__, error)


def _leaves_problem(keys, root_key_id, record, name):
    problem = checkpoint_problem(keys, record["checkpoint"], root_key_id)
    if problem is not None:
        return "%s root checkpoint: %s" % (name, problem)
    tree = MerkleLog()
    for leaf in record["leaves"]:
        tree.append(leaf_entry(leaf))
    if len(tree) != record["checkpoint"]["size"] or tree.root().hex() != record["checkpoint"]["rootHash"]:
        return "%s root checkpoint: its published leaves do not give its root" % name
    return None


def checkpoint_consistency_problem(old, new, prove):
    """Why partition checkpoint `new` does not extend `old` (same origin and key), or None.
    `prove(old_size, new_size)` is the operator's consistency proof (a list of bytes), or None."""
    if old["origin"] != new["origin"] or old["keyId"] != new["keyId"]:
        return "%s: the two checkpoints are of other origins or keys" % old["origin"]
    if new["size"] < old["size"]:
        return "%s: the log shrank from the signed size %d to %d" % (old["origin"], old["size"], new["size"])
    old_root, new_root = bytes.fromhex(old["rootHash"]), bytes.fromhex(new["rootHash"])
    path = [] if old["size"] == new["size"] else prove(old["size"], new["size"])
    if path is None or not merkle.consistency_holds(old["size"], new["size"], old_root, new_root, path):
        return "%s: size %d does not extend the signed tree of size %d (a fork)" % (
            old["origin"], new["size"], old["size"])
    return None


def root_consistency_problems(keys, root_key_id, old, new, provers):
    """Why root record `new` does not extend `old`: each root signed and over its leaves, every
    partition of `old` still there (same index and key), and each partition's new checkpoint
    consistent with its old one (RFC 9162 consistency proofs from `provers[name](m, n)`)."""
    problems = [p for p in (_leaves_problem(keys, root_key_id, old, "old"),
                            _leaves_problem(keys, root_key_id, new, "new")) if p]
    if problems:
        return problems
    by_name = {leaf["partition"]: leaf for leaf in new["leaves"]}
    for leaf in old["leaves"]:
        later = by_name.get(leaf["partition"])
        if later is None or later["index"] != leaf["index"] or later["keyId"] != leaf["keyId"]:
            problems.append("partition %s is gone from the new root, or changed its key" % leaf["partition"])
            continue
        problem = checkpoint_consistency_problem(leaf["checkpoint"], later["checkpoint"], provers[leaf["partition"]])
        if problem is not None:
            problems.append(problem)
    return problems
