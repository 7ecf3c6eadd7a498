"""Judge facts with durable_rules: a host per rule set, a state per cell.

What was measured of durable_rules 2.0.28 (pinned exactly: this module calls its private
C hooks, ``tests/test_engine.py`` checks they exist) shapes this module: one ``Host`` per
process and rule set, one state (``sid``) per cell deleted as soon as the cell is judged,
facts asserted (every rule sees every fact, unlike ``post``), "not handled" meaning
"compliant", and the action deduplicated by (rule, fact) because ``$or`` fires once per
alternative. A cell's facts (a few dozen) go in one call into its own state; no call
ever spans two states.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from typing import Any

import orjson

from auditor.engine.compile import NOTE_SUFFIX, OPEN_FACT, OPEN_RULE, compile_rule, screen
from auditor.facts import Fact
from auditor.rulepack import Rule

_counter = itertools.count()
#: durable_rules keeps global state in its C core; one evaluation at a time per process
#: (the cells' judging and the members' share it).
LOCK = threading.Lock()


class Judge:
    """A durable_rules host holding one ruleset compiled from ``rules``."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        from durable import engine

        self._engine = engine
        self.rules = [rule for rule in rules if rule.enabled]
        self.name = f"audit{next(_counter)}"
        self._hits: set[tuple[str, int]] = set()
        self._sids = itertools.count(1)
        definition: dict[str, Any] = {
            OPEN_RULE: {"all": [{"m": {"type": OPEN_FACT}}], "run": _noted_by_judge}
        }
        for rule in self.rules:
            definition[rule.id] = {**compile_rule(rule), "run": _noted_by_judge}
            if rule.note is not None:
                definition[rule.id + NOTE_SUFFIX] = {
                    **compile_rule(rule, rule.note.when),
                    "run": _noted_by_judge,
                }
        #: What the C core's "already observed" answer is raised as (a fact-hash collision).
        self.collision: type[Exception] = engine.MessageObservedException
        self.host = _quiet_host(engine)()
        self.host.set_rulesets({self.name: definition})
        self._ruleset = self.host.get_ruleset(self.name)
        self._ruleset_handle = self._ruleset._handle
        #: Whether a fact may match a rule (:func:`~auditor.engine.compile.screen`).
        self.may_match = screen(self.rules)

    def judge(self, facts: Sequence[Fact]) -> set[tuple[str, int]]:
        """(rule id, fact id) of every violation among one cell's facts.

        The cell's facts go to a state of their own in one ``assert_facts`` call, after
        an "open" fact that a no-op rule matches: a state whose facts all went unmatched
        still exists in durable_rules' C core, and can neither be deleted (that crashes,
        measured here) nor left behind (past ~1,000 live states the host raises
        MemoryError). Each call uses a state id never used before in this host: re-using
        a deleted state's id crashes the C core too (``free(): invalid pointer``).

        ``Host.assert_facts`` cannot be used here: it raises "not handled" as soon as one
        fact of the batch goes unmatched, before it runs the actions of those that
        matched. So this makes its C call itself, with orjson in place of ``json`` (ten
        times faster on these facts), then runs the actions (:meth:`_run_actions`).

        Only the facts a rule may match are sent (:func:`~auditor.engine.compile.screen`);
        a cell with none needs no state at all.
        """
        self._hits = set()
        if not self.rules:
            return set()
        # only the facts a rule may match: durable_rules would leave the others unmatched
        facts = [fact for fact in facts if self.may_match(fact)]
        if not facts:
            return set()
        sid = str(next(self._sids))
        head = b'{"sid":"%s",' % sid.encode()
        try:
            result = self._engine.durable_rules_engine.assert_facts(
                self._ruleset_handle, _payload(head, facts).decode()
            )
            code = result[0]
            # 2: a fact whose identity (a 32-bit hash) the state already holds. The C core
            # reports the last fact's unusual code only, but a state holds a few dozen
            # distinct facts: a collision is about one cell in ten million.
            if code == 2:
                raise self._engine.MessageObservedException(list(facts))
            # the open fact always matches, so there are actions to run
            self._run_actions(0 if code == 3 else result[1])
        finally:
            self.host.delete_state(self.name, sid)
        return self._hits

    def _run_actions(self, state: int) -> None:
        """durable_rules' action loop (``Ruleset.do_actions``) for actions that only note
        a hit: the same C calls in the same order, without a ``Closure`` per action and
        with the state handed back as the core gave it, where ``do_actions`` decodes it
        and encodes it again with ``json`` (half the engine's time after the facts,
        measured here). A violation is the rule's name and the matched fact's id.
        """
        core = self._engine.durable_rules_engine
        handle = self._ruleset_handle
        started = core.start_action_for_state(handle, state)
        if not started:
            return
        content, message = started[0], started[1]
        try:
            while message:
                # durable_rules runs the first action a message names, as here
                name, matched = next(iter(orjson.loads(message).items()))
                if name != OPEN_RULE:
                    self._hits.add((name, int(matched["m"]["id"])))
                core.update_state(handle, content)
                message = core.complete_and_start_action(handle, state)
        except BaseException:
            core.abandon_action(handle, state)
            raise


def _payload(head: bytes, facts: Sequence[Fact]) -> bytes:
    """The JSON array of the open fact and ``facts``, each given the state id (``head``
    opens every fact: ``{"sid":"7",``).

    Facts are flat (numbers and a type name, no brace in them), so the array is dumped in
    one orjson call and each fact's opening brace is replaced by ``head``: a dump per fact
    and a join cost a fifth of the judge's time (355,456 facts in a province year). A fact
    with a brace inside (never built by this auditor) is dumped on its own, as before.
    """
    opened = head + b'"id":0,"type":"%s"}' % OPEN_FACT.encode()
    if not facts:
        return b"[" + opened + b"]"
    body = orjson.dumps(facts)
    if body.count(b"{") == len(facts):
        return b"[" + opened + b"," + body[1:].replace(b"{", head)
    return b"[" + b",".join([opened] + [head + orjson.dumps(fact)[1:] for fact in facts]) + b"]"


def _quiet_host(engine: Any) -> type:
    """durable_rules' ``Host`` without its two dispatch threads.

    A ``Host`` starts timer threads that, every 0.2 s, run whatever action of whatever
    state is pending (for rules with timers, and for events posted without waiting).
    The judge runs every action of a cell itself, within :meth:`Judge.judge`; a dispatch
    thread taking one in between ran it elsewhere, and its hit went to no cell or to the
    next one (one cell in ~20,000, measured here). These rules have neither timers nor
    posted events. And with no thread of durable_rules running, the workers this
    process starts may be forked (:mod:`auditor.runtime`).
    """

    class QuietHost(engine.Host):
        def _run(self) -> None:
            return None

    return QuietHost


def _noted_by_judge(_closure: Any) -> None:
    """Each rule's action as durable_rules knows it: :meth:`Judge._run_actions` notes
    the hits itself and never calls it."""


#: One host per process and rule set: a durable_rules host starts timer threads of its
#: own and is never torn down, so chunks and runs in one process share it.
_JUDGES: dict[str, Judge] = {}


def judge_for(rules: Sequence[Rule]) -> Judge:
    """The judge of ``rules`` in this process, made on first use (call it under
    :data:`LOCK`)."""
    key = "|".join(rule.model_dump_json() for rule in rules)
    if key not in _JUDGES:
        _JUDGES[key] = Judge(rules)
    return _JUDGES[key]
