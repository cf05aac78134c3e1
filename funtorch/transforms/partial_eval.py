"""Partial evaluation of a staged graph: split it into the part computable from known
inputs and the part that needs the unknown ones (JAX's ``partial_eval_jaxpr``).

``scan``'s reverse rule stages one step's *joint* function ``(primals, cotangents) ->
(outputs, input cotangents)`` and splits it here: the forward half runs in the forward
scan and also returns the step's *residuals* (the known values the backward half reads),
which the scan stacks; the backward half runs once per step in the reverse scan, reading
its step's residuals instead of re-running the step.

Inputs come in three kinds: *invariant* (the same at every step: loop constants),
*known* (this step's primals) and *unknown* (cotangents). An equation takes the highest
kind among its inputs. Invariant values the backward half needs are recomputed there
from the loop constants (usually a transpose or a reshape: stacking them would copy them
once per step); known ones are residuals.

:func:`hoist_invariants` is the same split with two kinds, before any differentiation:
a loop body's equations that depend on its loop constants alone (``w.T`` of a weight the
step reads) run once per call of the loop, outside it.
"""

from __future__ import annotations

from funtorch.transforms.graph import Var, eliminate_dead_code

__all__ = ["INVARIANT", "KNOWN", "UNKNOWN", "hoist_invariants", "split"]

INVARIANT, KNOWN, UNKNOWN = 0, 1, 2


def _kinds(graph, in_kinds):
    kind = {id(v): k for v, k in zip(graph.invars, in_kinds)}
    kind.update((id(v), INVARIANT) for v in graph.constvars)
    for eqn in graph.eqns:
        level = max((kind[id(v)] for v in eqn.inputs if isinstance(v, Var)), default=INVARIANT)
        kind.update((id(v), level) for v in eqn.outputs)
    return kind


# Known equations this cheap are recomputed by the backward half when that stores no more
# residuals than keeping their result would (``1 - s * s`` from ``s``; a transpose of ``h``
# from ``h``): arithmetic only, never a transcendental function.
_CHEAP = frozenset({"add", "sub", "mul", "neg", "transpose", "reshape"})


def _residuals(graph, kind, back_eqns, num_known_outs):
    """The known values the backward equations read (outputs of known equations that the
    backward half recomputes are not among them)."""
    made_here = {id(v) for e in back_eqns for v in e.outputs}
    needed = {}
    for eqn in back_eqns:
        if kind[id(eqn.outputs[0])] != INVARIANT:
            needed.update((id(v), v) for v in eqn.inputs if isinstance(v, Var)
                          and kind[id(v)] == KNOWN and id(v) not in made_here)
    needed.update((id(v), v) for v in graph.outvars[num_known_outs:]
                  if isinstance(v, Var) and kind[id(v)] == KNOWN and id(v) not in made_here)
    return needed


def _rematerialized(graph, kind, num_known_outs):
    """Ids of the cheap known equations the backward half recomputes: greedily, one whose
    result is a residual and whose known inputs add at most one residual in its place."""
    producer = {id(v): e for e in graph.eqns for v in e.outputs}
    remat: set = set()
    changed = True
    while changed:
        changed = False
        back = [e for e in graph.eqns if kind[id(e.outputs[0])] != KNOWN or id(e) in remat]
        needed = _residuals(graph, kind, back, num_known_outs)
        for var in list(needed.values()):
            eqn = producer.get(id(var))
            if eqn is None or eqn.prim.name not in _CHEAP or id(eqn) in remat:
                continue
            new = {id(v) for v in eqn.inputs if isinstance(v, Var) and kind[id(v)] == KNOWN}
            if len(new - needed.keys()) <= 1:
                remat.add(id(eqn))
                changed = True
                break
    return remat


def split(graph, in_kinds, num_known_outs, direct=()):
    """Split ``graph`` (its first ``num_known_outs`` outputs must not depend on unknown
    inputs) into a known graph and an unknown graph; a residual that is an input whose
    index is in ``direct`` is passed as it is, any other becomes an output of ``known``.

    Returns ``(known, unknown, residuals)``: ``known`` maps the invariant and known inputs
    to the first ``num_known_outs`` outputs followed by the residuals that are not inputs;
    ``unknown`` maps (invariant inputs, residuals, unknown inputs) to the other outputs;
    ``residuals`` lists each residual as ``("in", index among the graph's inputs)`` or
    ``("out", index among known's extra outputs)``.
    """
    kind = _kinds(graph, in_kinds)
    known_eqns = [e for e in graph.eqns if kind[id(e.outputs[0])] < UNKNOWN]
    remat = _rematerialized(graph, kind, num_known_outs)
    back_eqns = [e for e in graph.eqns if kind[id(e.outputs[0])] != KNOWN or id(e) in remat]
    needed = _residuals(graph, kind, back_eqns, num_known_outs)
    position = {id(v): i for i, v in enumerate(graph.invars)}
    residual_vars = list(needed.values())
    residuals, extra_outs = [], []
    for var in residual_vars:
        if position.get(id(var), -1) in direct:
            residuals.append(("in", position[id(var)]))
        else:
            residuals.append(("out", len(extra_outs)))
            extra_outs.append(var)
    known_in = [v for v, k in zip(graph.invars, in_kinds) if k != UNKNOWN]
    known = eliminate_dead_code(graph.replace(
        invars=known_in, eqns=known_eqns,
        outvars=graph.outvars[:num_known_outs] + extra_outs, name=graph.name + "_fwd"))
    invariant_in = [v for v, k in zip(graph.invars, in_kinds) if k == INVARIANT]
    unknown_in = [v for v, k in zip(graph.invars, in_kinds) if k == UNKNOWN]
    unknown = eliminate_dead_code(graph.replace(
        invars=invariant_in + residual_vars + unknown_in, eqns=back_eqns,
        outvars=graph.outvars[num_known_outs:], name=graph.name + "_bwd"))
    return known, unknown, residuals


def hoist_invariants(graph, consts, num_consts):
    """Loop-invariant code motion for a loop body whose first ``num_consts`` inputs are its
    loop constants, with values ``consts``: the equations that depend on those (and on the
    graph's constants) alone are bound here, once, so the transforms tracing ``consts`` see
    them (and a Parameter's ``weight.T`` is a tracked value under ``backward()``); their
    results become loop constants of the returned body. Returns ``(graph, consts)``."""
    from funtorch.core import bind, wrap

    kind = _kinds(graph, [INVARIANT] * num_consts + [KNOWN] * (len(graph.invars) - num_consts))
    hoisted = [e for e in graph.eqns if all(kind[id(o)] == INVARIANT for o in e.outputs)]
    if not hoisted:
        return graph, consts
    env = {id(v): c for v, c in zip(graph.invars, consts)}
    env.update((id(v), wrap(c)) for v, c in zip(graph.constvars, graph.consts))
    for eqn in hoisted:
        outs = bind(eqn.prim, *[env[id(v)] if isinstance(v, Var) else v.value
                                for v in eqn.inputs], **eqn.params)
        env.update(zip(map(id, eqn.outputs), outs if eqn.prim.multiple_results else (outs,)))
    kept = [e for e in graph.eqns if kind[id(e.outputs[0])] != INVARIANT]
    used = {id(v) for e in kept for v in e.inputs} | {id(v) for v in graph.outvars}
    loop_consts = [v for v in graph.invars[:num_consts] if id(v) in used]
    loop_consts += [v for e in hoisted for v in e.outputs if id(v) in used]
    body = graph.replace(invars=loop_consts + graph.invars[num_consts:], eqns=kept)
    return body, [env[id(v)] for v in loop_consts]
