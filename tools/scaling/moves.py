"""The router: which partition holds a line, and how a line moves between partitions.

A line's partition is the one whose number range holds it, unless the directory says
otherwise (a line moved). The directory and the move journal are the router's own durable
state (in a deployment: a small database of their own, replicated synchronously).

A move of line L from partition A to B, step by step; the process may crash after any step:
  1. fence: the journal records the move (id, line, A, B) and the router refuses writes to L
     ("moving: retry"), so that nothing is appended to L in A after step 2's event;
  2. LineMovedOut in A (data: moveId, toPartition), L's last event there: A refuses any
     later event on L by itself (its admission), whatever a stale router sends;
  3. LineMovedIn in B (data: moveId, fromPartition, movedOutPosition, movedOutHash), at the
     next streamVersion, its streamPrevHash the LineMovedOut's hash: L's chain goes on in B;
  4. the directory says B; the fence is lifted.
Steps 2 and 3 commit with remote_apply (on the standby too), so no failover undoes a half
of a move. Recovery rolls every journalled move forward: each step is idempotent (the two
events have event ids derived from the move's id; step 3 reads step 2's event from A).
"""

import uuid

from partition import Refused, timestamp

MOVE_STEPS = ("fence", "moved-out", "moved-in", "directory")
_NAMESPACE = uuid.UUID("6f1c3f0e-7d0b-4c59-9d7e-5d2b8e7a9c11")


class Fenced(Exception):
    """A write to a line that is moving: the caller retries once the move is done."""


def move_event_id(move_id, half):
    return str(uuid.uuid5(_NAMESPACE, "%s/%s" % (move_id, half)))


class Router:
    def __init__(self, clusters, faults):
        self.clusters = {cluster.name: cluster for cluster in clusters}
        self.ordered = list(clusters)
        self.faults = faults
        self.directory = {}  # line -> partition name, for lines not where their range says
        self.fences = {}  # line -> the move in progress
        self.journal = []  # every move started, with the steps it completed
        self.fenced_refusals = 0

    def by_range(self, line):
        number = int(line[-7:])
        for cluster in self.ordered:
            low, high = cluster.number_range
            if int(low[-7:]) <= number <= int(high[-7:]):
                return cluster.name
        raise AssertionError("no partition's range holds %s" % line)

    def partition_of(self, line):
        return self.directory.get(line, self.by_range(line))

    def submit(self, fact, tick):
        """Appends one fact to its line's partition; returns (partition name, event). Raises
        Fenced while the line moves, Refused when the partition refuses it."""
        if fact["line"] in self.fences:
            self.fenced_refusals += 1
            raise Fenced(fact["line"])
        name = self.partition_of(fact["line"])
        return name, self.clusters[name].append([fact], tick)[0]

    def find(self, event_id):
        """The partition and event with this id on any primary: what a client asks before it resubmits."""
        for cluster in self.ordered:
            event = cluster.primary.find(event_id)
            if event is not None:
                return cluster.name, event
        return None

    def move(self, line, target, tick, move_id, steps):
        """Runs the first `steps` steps of a move of `line` to `target` (all four: no crash)."""
        source = self.partition_of(line)
        assert source != target and line not in self.fences, "a move between two partitions, one at a time"
        move = {"moveId": move_id, "line": line, "from": source, "to": target, "done": [], "crashedAfter": None}
        self.journal.append(move)
        self.fences[line] = move
        move["done"].append("fence")
        for step in MOVE_STEPS[1:steps]:
            self._step(move, step, tick)
        if steps < len(MOVE_STEPS):
            move["crashedAfter"] = MOVE_STEPS[steps - 1]
        return move

    def recover(self, tick):
        """Rolls every unfinished move forward, as a restarted mover does from the journal."""
        for move in self.journal:
            if "directory" not in move["done"]:
                for step in MOVE_STEPS[1:]:
                    self._step(move, step, tick)

    def pending_moves(self):
        return [move for move in self.journal if "directory" not in move["done"]]

    def _step(self, move, step, tick):
        line, source, target = move["line"], self.clusters[move["from"]], self.clusters[move["to"]]
        out_id = move_event_id(move["moveId"], "out")
        if step == "moved-out":
            fact = {"type": "LineMovedOut", "line": line, "occurredAt": timestamp(tick), "eventId": out_id,
                    "data": {"moveId": move["moveId"], "toPartition": target.name}}
            source.append([fact], tick, remote_apply=True)
        elif step == "moved-in":
            moved_out = source.primary.find(out_id)
            assert moved_out is not None, "LineMovedOut committed with remote_apply survives any failover"
            fact = {"type": "LineMovedIn", "line": line, "occurredAt": timestamp(tick),
                    "eventId": move_event_id(move["moveId"], "in"),
                    "data": {"moveId": move["moveId"], "fromPartition": source.name,
                             "movedOutPosition": moved_out["position"], "movedOutHash": moved_out["hash"]}}
            link = (moved_out["streamVersion"], moved_out["hash"])
            if "unlinked-move" in self.faults:
                link = None  # the bug: the line's chain starts anew in the target
            target.append([fact], tick, stream_links={fact["eventId"]: link}, remote_apply=True)
        elif step == "directory":
            if target.name == self.by_range(line):
                self.directory.pop(line, None)
            else:
                self.directory[line] = target.name
            del self.fences[line]
        if step not in move["done"]:
            move["done"].append(step)


def owners(router, line):
    """The partitions that would accept an event on `line`: its head there is not LineMovedOut."""
    found = []
    for cluster in router.ordered:
        head = cluster.primary.heads.get(line)
        if head is not None and head[2] != "LineMovedOut":
            found.append(cluster.name)
    return found


__all__ = ["Fenced", "MOVE_STEPS", "Refused", "Router", "move_event_id", "owners"]
