"""Policy base class and registry."""

from __future__ import annotations

from sim.states import State

_REGISTRY: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    if not getattr(cls, "name", None):
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    _REGISTRY[cls.name] = cls
    return cls


def registered_policies() -> dict[str, type[Policy]]:
    return dict(_REGISTRY)


def make_policy(cfg) -> Policy:
    return _REGISTRY[cfg.policy.name](cfg)


class Policy:
    """Default behaviour: ordinary (saksbehandler) follow-up for everyone.

    Hooks, called by the model:
      * ``adviser_role(index)``: role of ordinary adviser number ``index`` (saksbehandler | hybrid)
      * ``on_review(model, cand)``: an activity review of a user in ordinary follow-up;
        return "sb" (quick placement), "js" (refer to a job specialist) or None (nothing now)
      * ``eligible_for_close(model, adviser, cand)``: may this adviser take this user into a
        close-follow-up (hybrid) slot?
      * ``screen(model, cand)``: case-meeting decision for a selected user:
        "accept", "too_light" (back to ordinary follow-up, T2) or "too_heavy" (to a job specialist, T3)
      * ``on_need_revealed(model, cand)``: a hidden need showed during a pathway
    """

    name = ""
    uses_job_specialists = False

    def __init__(self, cfg):
        self.cfg = cfg
        self.pc = cfg.policy

    def adviser_role(self, index: int) -> str:
        return "saksbehandler"

    def hybrid_slots(self, role: str) -> int:
        return self.pc.hybrid_slots if role == "hybrid" else 0

    def on_review(self, model, cand) -> str | None:
        if cand.draw() < self.pc.p_placement_at_review:
            return "sb"
        return None

    def eligible_for_close(self, model, adviser, cand) -> bool:
        return False

    def screen(self, model, cand) -> str:
        return "accept"

    def on_need_revealed(self, model, cand) -> None:
        return None

    # helpers shared by policies ------------------------------------------------------------
    def js_available(self, model) -> bool:
        return bool(model.job_specialists)

    def refer_heavy_case(self, model, cand) -> None:
        """T3: a case that proves too heavy goes to a job specialist when the office has one."""
        if self.pc.escalate_to_js and self.js_available(model) and cand.mode_name == "hybrid":
            if cand.state in (State.TRAINING, State.SEARCH, State.MAPPING):
                model.request_transfer(cand, cause="need_too_large")
