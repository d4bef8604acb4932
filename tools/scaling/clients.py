"""Clients of the ledger: services that record facts on the lines they own and keep receipts.

A receipt is what an acknowledgement says: (partition, position, hash, eventId). A client
keeps its receipts not yet covered by a checkpoint over replicated positions, and its last
acknowledged (position, hash) per partition. After a failover it asks the new primary for
the event at that position: the same hash there means that every event up to it is the
same (the chain), so nothing of its was lost. Another hash, or no event, means events
vanished: it looks each kept receipt up by eventId and resubmits, with the same eventId,
the facts that are not there. A resubmission of a fact that is there after all is an
idempotent retry: the store returns the original event and records nothing.
"""

from moves import Fenced
from partition import Refused, timestamp


class Client:
    def __init__(self, name, lines, faults):
        self.name, self.lines, self.faults = name, list(lines), faults
        self.activated = set()
        self.receipts = []  # kept receipts: dicts of fact, partition, position, hash
        self.acknowledged = []  # every fact ever acknowledged (the simulation's record, not the client's memory)
        self.waiting = []  # facts refused for now (a fenced line), retried later, same eventId
        self.detected_lost = set()  # event ids this client found missing after a failover
        self.resubmitted = 0
        self._count = 0

    def next_fact(self, rng, tick):
        line = rng.choice(self.lines)
        self._count += 1
        ref = "%s-%d" % (self.name, self._count)
        event_id = "%032x" % rng.getrandbits(128)
        event_id = "%s-%s-4%s-8%s-%s" % (event_id[:8], event_id[8:12], event_id[13:16], event_id[17:20],
                                          event_id[20:])
        if line not in self.activated:
            self.activated.add(line)
            kind, data = "LineActivated", {"ref": ref, "plan": "noDeposit"}
        elif rng.random() < 0.7:
            kind, data = "UsageRecorded", {"ref": ref, "amount": rng.randrange(10_000, 100_000)}
        else:
            amount = rng.randrange(1, 9) * 50_000
            kind, data = "PaymentReceived", {"ref": ref, "paymentId": "P-" + ref, "amount": amount}
        return {"type": kind, "line": line, "occurredAt": timestamp(tick), "data": data, "eventId": event_id}

    def submit(self, router, fact, tick):
        """Sends one fact; keeps its receipt, or queues it to retry when the line is fenced."""
        try:
            partition, event = router.submit(fact, tick)
        except (Fenced, Refused):
            self.waiting.append(fact)
            return None
        receipt = {"fact": fact, "partition": partition, "position": event["position"], "hash": event["hash"]}
        self.receipts.append(receipt)
        self.acknowledged.append(dict(receipt))
        return receipt

    def retry_waiting(self, router, tick):
        waiting, self.waiting = self.waiting, []
        for fact in waiting:
            self.submit(router, fact, tick)

    def confirm(self, partition, size):
        """Drops the receipts of `partition` up to `size`: a checkpoint over replicated positions covers them."""
        self.receipts = [r for r in self.receipts if r["partition"] != partition or r["position"] > size]

    def last_acknowledged(self, partition):
        mine = [r for r in self.receipts if r["partition"] == partition]
        return max(mine, key=lambda r: r["position"]) if mine else None

    def after_failover(self, router, partition, tick):
        """The check after a failover of `partition`; returns the event ids found missing."""
        last = self.last_acknowledged(partition)
        if last is None:
            return []
        event = router.clusters[partition].primary.event_at(last["position"])
        if event is not None and event["hash"] == last["hash"]:
            return []  # the chain: every event up to the last acknowledged one is as it was
        kept = sorted((r for r in self.receipts if r["partition"] == partition), key=lambda r: r["position"])
        self.receipts = [r for r in self.receipts if r["partition"] != partition]
        missing = []
        for receipt in kept:
            fact = receipt["fact"]
            if "blind-resubmit" in self.faults:
                fact = dict(fact, eventId=fact["eventId"][:-12] + "%012x" % int(tick * 1000))  # the bug: a new id
            elif router.find(fact["eventId"]) is not None:
                self.receipts.append(receipt)
                continue
            missing.append(receipt["fact"]["eventId"])
            self.resubmitted += 1
            self.submit(router, fact, tick)
        self.detected_lost.update(missing)
        return missing
