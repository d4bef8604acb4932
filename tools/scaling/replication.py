"""A partition as PostgreSQL runs it: a primary and one streaming standby, and a failover.

Streaming replication ships the primary's committed transactions to the standby in commit
order, so the standby always holds a prefix of the primary's log. Two modes:

- "sync": `synchronous_commit = remote_apply` with the standby in `synchronous_standby_names`:
  a commit returns (and the caller is acknowledged) only once the standby has applied it.
- "async": a commit returns when it is durable on the primary; the standby lags. A
  failover promotes the standby: what it had not received is gone, and the new primary
  gives the next events the positions the lost ones had.

A single transaction may ask for remote_apply on an async cluster (PostgreSQL allows
`SET LOCAL synchronous_commit`): a line's move does, so that no failover can undo it.

Checkpoints are signed by the partition's key over either the primary's head ("head": with
every acknowledgement, as a receipt, so that every acknowledged event is under a checkpoint
signed before any failover) or only the positions the standby has applied ("replicated",
once a tick), as the policy says.
"""

from partition import PartitionLog, sign_checkpoint


class Faults:
    """Deliberate bugs, each of which the simulation's checks must catch (the test's broken variants)."""

    def __init__(self, names=()):
        unknown = set(names) - KNOWN_FAULTS
        assert not unknown, "unknown faults: %s" % ", ".join(sorted(unknown))
        self.names = frozenset(names)

    def __contains__(self, name):
        assert name in KNOWN_FAULTS, name
        return name in self.names


KNOWN_FAULTS = frozenset({
    "sync-acks-early",   # under sync, the last commit is acknowledged before the standby applied it
    "unlinked-move",     # a LineMovedIn starts its stream anew instead of continuing the chain
    "blind-resubmit",    # after a failover, clients resubmit with new event ids, without looking
    "tampered-root",     # the published root checkpoint's root hash is changed after signing
})


class PartitionCluster:
    def __init__(self, name, index, number_range, mode, policy, keys, faults):
        assert mode in ("sync", "async") and policy in ("head", "replicated")
        self.name, self.index, self.number_range = name, index, number_range
        self.mode, self.policy, self.keys, self.faults = mode, policy, keys, faults
        self.key_id = keys.new_key(name)
        self.origin = "subledger/%s" % name
        self.primary = PartitionLog(name)
        self.standby = PartitionLog(name)
        self.checkpoints = []  # every checkpoint signed, as the root and the auditors keep them
        self.failovers = []  # what each failover did, for the report and the checks

    def append(self, facts, tick, stream_links=None, remote_apply=False):
        """One transaction on the primary; returns its events once acknowledged. Under sync (or
        remote_apply) the acknowledgement waits for the standby to apply the commit."""
        events = self.primary.append(facts, tick, stream_links)
        if self.mode == "sync" or remote_apply:
            target = len(self.primary)
            if "sync-acks-early" in self.faults and not remote_apply and target > len(self.standby):
                target -= 1  # the bug: the ack goes out before the last commit reached the standby
            self.replicate(target - len(self.standby))
        if self.policy == "head":
            self.sign()  # the receipt: a checkpoint over the head, the acknowledged events in it
        return events

    def replicate(self, count):
        """Ships up to `count` committed events to the standby, in commit order."""
        for event in self.primary.events[len(self.standby):len(self.standby) + max(0, count)]:
            self.standby.apply(event)

    def lag(self):
        return len(self.primary) - len(self.standby)

    def sign(self):
        """Signs a checkpoint as the policy says, unless it would repeat the last one."""
        size = len(self.primary) if self.policy == "head" else len(self.standby)
        if size == 0:
            return None
        root = self.primary.tree.root(size)
        last = self.checkpoints[-1] if self.checkpoints else None
        if last is not None and last["size"] == size and last["rootHash"] == root.hex():
            return last
        checkpoint = sign_checkpoint(self.keys, self.key_id, self.origin, size, root)
        self.checkpoints.append(checkpoint)
        return checkpoint

    def latest_checkpoint(self):
        return self.checkpoints[-1] if self.checkpoints else None

    def failover(self, tick):
        """The primary is lost; the standby is promoted and a new standby is cloned from it.
        Returns the record of what vanished (known only to the simulation: the clients and
        auditors must find it out by their own checks)."""
        lost = self.primary.events[len(self.standby):]
        record = {"tick": tick, "partition": self.name, "size_before": len(self.primary),
                  "size_after": len(self.standby), "lost_event_ids": [e["eventId"] for e in lost],
                  "lost_hashes": {e["position"]: e["hash"] for e in lost},
                  "checkpoints_before": len(self.checkpoints)}
        self.primary = self.standby
        self.standby = self.primary.copy()
        self.failovers.append(record)
        return record
