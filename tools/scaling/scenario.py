"""One seeded run of the simulated ledger: partitions by number range, clients, line moves
that crash at random steps, failovers at random moments, checkpoints and root checkpoints.

Everything random is drawn from one random.Random(seed and the run's name), and time is the
tick counter passed in: the same seed gives the same run, event for event.
"""

import random

from clients import Client
from moves import MOVE_STEPS, Fenced, Refused, Router
from replication import Faults, PartitionCluster
from partition import KeyRing, checkpoint_note
from root import make_root

LINE_PREFIX = "+98912"
NUMBERS = 10_000_000  # seven digits after the prefix


class Config:
    """What a run is: its replication mode and checkpoint policy, its sizes and its odds."""

    def __init__(self, name, mode, policy, seed, faults=(), partitions=4, clients=4, lines_per_client=6,
                 ticks=120, move_chance=0.08, failover_chance=0.05):
        self.name, self.mode, self.policy, self.seed = name, mode, policy, seed
        self.faults = Faults(faults)
        self.partitions, self.clients, self.lines_per_client = partitions, clients, lines_per_client
        self.ticks, self.move_chance, self.failover_chance = ticks, move_chance, failover_chance


RUNS = (("sync", "sync", "replicated"), ("async-head", "async", "head"), ("async-replicated", "async", "replicated"))


def number_ranges(count):
    width = NUMBERS // count
    return [("%s%07d" % (LINE_PREFIX, i * width), "%s%07d" % (LINE_PREFIX, NUMBERS - 1 if i == count - 1
                                                             else (i + 1) * width - 1)) for i in range(count)]


class Run:
    def __init__(self, config):
        self.config = config
        self.rng = random.Random("%s/%s" % (config.seed, config.name))
        self.keys = KeyRing(config.seed)
        self.root_key = self.keys.new_key("root")
        self.clusters = [PartitionCluster("p%d" % i, i, r, config.mode, config.policy, self.keys, config.faults)
                         for i, r in enumerate(number_ranges(config.partitions))]
        self.router = Router(self.clusters, config.faults)
        lines = self.rng.sample(range(NUMBERS), config.clients * config.lines_per_client)
        self.clients = [Client("c%d" % i, ["%s%07d" % (LINE_PREFIX, n) for n in
                                           lines[i * config.lines_per_client:(i + 1) * config.lines_per_client]],
                               config.faults) for i in range(config.clients)]
        self.roots = []  # (tick, root record) of every root checkpoint signed
        self.failovers = []  # (tick, index of the last root before it, the failover's record)
        self.moves = []
        self.tick = 0
        self._moment = 0

    def now(self):
        """The clock, passed to everything that records: the tick, plus a millisecond for each
        reading within it, so that recordedAt never decreases along any partition's positions."""
        self._moment += 1
        assert self._moment < 1000, "fewer than a thousand readings a tick"
        return self.tick + self._moment / 1000

    def play(self):
        for self.tick in range(1, self.config.ticks + 1):
            self._moment = 0
            self.traffic()
            self.replicate()
            if self.rng.random() < self.config.move_chance:
                self.start_move()
            if self.router.pending_moves() and self.rng.random() < 0.5:
                self.router.recover(self.now())
            self.sign()
        self.tick, self._moment = self.tick + 1, 0
        self.router.recover(self.now())
        for _ in range(3):  # the facts still waiting (a fenced line) go in once every move is done
            for client in self.clients:
                client.retry_waiting(self.router, self.now())
        self.sign()
        if "tampered-root" in self.config.faults:
            self.tamper_root(self.roots[-1][1]["checkpoint"])
        return self

    def tamper_root(self, checkpoint):
        """The broken variant "tampered-root": someone without the root key changes the last root
        checkpoint's root hash, and its note to say the same, keeping the old signature."""
        root = checkpoint["rootHash"]
        checkpoint["rootHash"] = root[:-1] + ("0" if root[-1] != "0" else "1")
        checkpoint["note"] = checkpoint_note(checkpoint["origin"], checkpoint["size"],
                                             bytes.fromhex(checkpoint["rootHash"]))

    def traffic(self):
        """Each client retries what waits and sends 0 to 3 new facts; a failover, in a tick of
        `failover_chance`, strikes a random partition at a random moment among them."""
        senders = []
        for client in self.clients:
            client.retry_waiting(self.router, self.now())
            senders += [client] * self.rng.randrange(0, 4)
        strike = self.rng.randrange(len(senders) + 1) if self.rng.random() < self.config.failover_chance else None
        for index, client in enumerate(senders + [None]):
            if index == strike:
                self.fail_over(self.rng.choice(self.clusters))
            if client is not None:
                now = self.now()
                client.submit(self.router, client.next_fact(self.rng, now), now)

    def replicate(self):
        """An async standby catches up to within a random lag of 0 to 8 events of its primary."""
        for cluster in self.clusters:
            if cluster.mode == "async":
                cluster.replicate(cluster.lag() - self.rng.randrange(0, 9))

    def start_move(self):
        """A move of a line that is in its partition now, to another partition, cut short after a random step."""
        candidates = [line for client in self.clients for line in client.lines
                      if line not in self.router.fences and self.router.clusters[self.router.partition_of(line)]
                      .primary.admits({"type": "UsageRecorded", "line": line}) is None]
        if not candidates:
            return
        line = self.rng.choice(candidates)
        target = self.rng.choice([c.name for c in self.clusters if c.name != self.router.partition_of(line)])
        steps = self.rng.choice(range(1, len(MOVE_STEPS) + 1))
        move_id = "move-%d-%d" % (self.tick, len(self.moves) + 1)
        try:
            self.moves.append(self.router.move(line, target, self.now(), move_id, steps))
        except (Fenced, Refused) as error:
            raise AssertionError("a move of a line that is in its partition is refused: %s" % error)

    def sign(self):
        """Every partition signs a checkpoint (as its policy says), then the root signs over them.
        A client drops receipts that a checkpoint over replicated positions covers."""
        for cluster in self.clusters:
            checkpoint = cluster.sign()
            if checkpoint is not None and (cluster.policy == "replicated" or cluster.mode == "sync"):
                for client in self.clients:
                    client.confirm(cluster.name, checkpoint["size"])
        if all(cluster.latest_checkpoint() for cluster in self.clusters):
            origin = "subledger-root/simulation-%s" % self.config.seed
            self.roots.append((self.tick, make_root(self.keys, self.root_key, origin, self.clusters)))

    def fail_over(self, cluster):
        """The partition's primary is lost; every client re-checks it on the new primary at once
        (their connections fail over), resubmitting what they find missing."""
        record = cluster.failover(self.tick)
        self.failovers.append((self.tick, len(self.roots) - 1, record))
        record["detected"] = set()
        for client in self.clients:
            record["detected"].update(client.after_failover(self.router, cluster.name, self.now()))

    def logs(self):
        return {cluster.name: cluster.primary for cluster in self.clusters}

    def acknowledged(self):
        return [receipt for client in self.clients for receipt in client.acknowledged]
