"""In-memory alarm engine: the process side of the ISA-18.2 / IEC 62682 alarm lifecycle.

Pure Python, no I/O; it sits on the ingest hot path. The ingest pipeline feeds it readings
(`process`) and a clock (`tick`, about once a second) and persists the returned `AlarmChange`s to
`mon_alarm` / `mon_alarm_event`; after a restart it rebuilds the state from `mon_alarm` rows with
`restore` (and optionally the last values from `mon_point_current` with `restore_current`).

Conditions and their boundaries (all times are sample times, epoch seconds):
- HH / H activate when value > set-point and L / LL when value < set-point: a value exactly at the
  set-point is normal, as in `rules.oxygen_alarm` (GB/T 50493 "over 23.5 %, under 19.5 %").
  They return when the value is back at or inside set-point ∓ deadband (exactly sp − deadband
  returns a high alarm). HH and H are independent conditions: above HH both are active.
  Gas detectors: H = 一级报警 (level 1), HH = 二级报警 (level 2) per GB/T 50493-2019; process
  variables use the same level mapping (requirements §7.1 [D]). Oxygen uses L/H as configured.
- On-delay: the condition must hold for on_delay_s (exactly elapsed activates) from the first
  sample that met it; off-delay likewise for the return. A sample that breaks the run restarts it.
  `tick` expires delays when no new sample arrives; the change is stamped at the expiry time.
- ROC: |Δvalue| per minute between the newest sample and the last sample at least `roc_window_s`
  older exceeds roc_limit_per_min (strictly); needs one full window of history. Value = the rate.
- BAD: a bad-quality reading activates BAD at once and the first non-bad reading returns it.
  While bad, the process conditions are held (no evaluation, pending delays cancelled) and the
  rate and forecast histories restart. Uncertain quality is evaluated like good.
- STALE: a data-quality alarm when a point has been silent for >= stale_factor × expected interval
  (exactly 3 intervals is stale, as `rules.data_stale`); returned by the next reading. Never a
  process alarm: priority prio_diag, process conditions held meanwhile.
- PRE (预警): see `forecast`. Raised only from the normal band (no HH/H/L/LL active), toward the
  nearest set-point in the direction of the trend; returns on hysteresis or when a limit alarm
  activates. Priority: the target set-point's priority demoted by one rank (a forecast leaves more
  time to respond than the alarm it forecasts, and should not outrank it), but never below
  prio_diag.
- Suppression by design: while point `suppress_point_id` reads `suppress_value` (within 1e-9), the
  process conditions (HH/H/L/LL/ROC/PRE) of the point are marked suppressed; they still track their
  active state. BAD and STALE describe the instrument itself and are never suppressed by design.
  Suppression is released only after the suppressor has left `suppress_value` for the point's
  off_delay_s + 3 expected intervals (e.g. a pump's discharge flow gets time to build up before its
  low-flow alarm counts again); returning to `suppress_value` meanwhile cancels the release.
- Chattering (ISA-18.2 heuristic, `rules.is_chattering`): >= chatter_min_activations activations of
  one condition within chatter_window_s (inclusive) emits kind `chattering` once (extra
  {"on": True}); after a quiet chatter_window_s without activation, `tick` emits kind
  `chattering` with extra {"on": False}.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from anguan.monitoring.forecast import (
    EW_V1,
    EarlyWarningParams,
    TrendEstimator,
    explained,
    pre_alarm_active,
    time_constant,
    time_to_cross,
)
from anguan.monitoring.reference import ISA182_EEMUA191_V1, AlarmKpiLimits
from anguan.monitoring.types import PRIORITIES, PRIORITY_RANK, QUALITY_BAD, AlarmChange, PointConfig, Reading

INF = float("inf")
LIMIT_CONDITIONS = ("HH", "H", "L", "LL")
HIGH_CONDITIONS = ("HH", "H")
PROCESS_CONDITIONS = ("HH", "H", "L", "LL", "ROC", "PRE")
GAS_KINDS = frozenset({"gas_combustible", "gas_toxic"})
# [D] Window of the rate-of-change alarm and the silence (in expected intervals) that makes a point stale.
ROC_WINDOW_S = 60.0
STALE_FACTOR = 3.0
SUPPRESS_TOLERANCE = 1e-9
# [D] Release delay of suppression by design, in expected intervals on top of the point's off-delay.
SUPPRESS_RELEASE_INTERVALS = 3.0

_NAMES = {"HH": "High-high", "H": "High", "L": "Low", "LL": "Low-low"}
_LEVEL = {"HH": 2, "H": 1, "L": 1, "LL": 2}


def _fmt(x: float | None) -> str:
    return "?" if x is None else f"{x:.4g}"


def _unit(cfg: PointConfig) -> str:
    return f" {cfg.unit}" if cfg.unit else ""


class _Cond:
    """State of one condition of one point."""

    __slots__ = (
        "activated_at",
        "active",
        "acts",
        "chattering",
        "last_act",
        "name",
        "since",
        "suppressed",
        "target",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.active = False
        self.activated_at: float | None = None
        # Start of the pending on-delay (inactive) or off-delay (active) run; None = nothing pending.
        self.since: float | None = None
        self.suppressed = False
        self.chattering = False
        self.acts: deque[float] = deque()
        self.last_act: float | None = None
        self.target: str | None = None  # PRE only: the set-point forecast to be crossed


class _Point:
    """Configuration snapshot plus per-point state."""

    __slots__ = (
        "bad",
        "cfg",
        "conds",
        "dependents",
        "est",
        "first_seen",
        "gap_s",
        "hi_target",
        "last_rx",
        "last_t",
        "last_v",
        "lconds",
        "limit_busy",
        "lo_target",
        "quiet_hi",
        "quiet_lo",
        "release_at",
        "release_s",
        "roc_buf",
        "roc_rate",
        "stale",
        "stale_after",
        "supp",
        "supp_dirty",
    )

    def __init__(self, cfg: PointConfig) -> None:
        self.conds = {name: _Cond(name) for name in ("HH", "H", "L", "LL", "ROC", "BAD", "STALE", "PRE")}
        self.lconds = [self.conds[n] for n in LIMIT_CONDITIONS]
        self.last_t: float | None = None
        self.last_rx: float | None = None  # receive clock of the last reading (STALE: "not reporting")
        self.last_v: float | None = None
        self.first_seen: float | None = None
        self.bad = False
        self.stale = False
        self.limit_busy = False
        self.supp: bool | None = None  # desired suppression; None = suppressor value unknown
        self.supp_dirty = False
        self.release_at: float | None = None  # pending release of suppression
        self.dependents: list[_Point] = []
        self.roc_buf: deque[tuple[float, float]] | None = None
        self.roc_rate = 0.0
        self.est: TrendEstimator | None = None
        self.cfg = cfg

    def configure(self, cfg: PointConfig, ew: EarlyWarningParams, stale_factor: float) -> None:
        self.cfg = cfg
        highs = [sp for sp in (cfg.sp_h, cfg.sp_hh) if sp is not None]
        lows = [sp for sp in (cfg.sp_l, cfg.sp_ll) if sp is not None]
        self.quiet_hi = min(highs) if highs else INF
        self.quiet_lo = max(lows) if lows else -INF
        self.hi_target = "H" if cfg.sp_h is not None else ("HH" if cfg.sp_hh is not None else None)
        self.lo_target = "L" if cfg.sp_l is not None else ("LL" if cfg.sp_ll is not None else None)
        self.stale_after = stale_factor * cfg.expected_interval_s
        self.gap_s = ew.reset_gap_intervals * cfg.expected_interval_s
        self.release_s = cfg.off_delay_s + SUPPRESS_RELEASE_INTERVALS * cfg.expected_interval_s
        if cfg.roc_limit_per_min is None:
            self.roc_buf = None
        elif self.roc_buf is None:
            self.roc_buf = deque()
        if cfg.forecast_horizon_s is None or (self.hi_target is None and self.lo_target is None):
            self.est = None
        else:
            tau = time_constant(cfg.forecast_horizon_s, cfg.expected_interval_s, ew)
            if self.est is None or self.est.tau != tau:
                self.est = TrendEstimator(tau)
        # A changed set-point is re-evaluated at the next sample (the slow path looks at every condition).
        self.limit_busy = True

    def process_conditions(self) -> list[str]:
        """Process conditions that the configuration can raise or that are currently active."""
        cfg = self.cfg
        names = [
            n
            for n, sp in zip(LIMIT_CONDITIONS, (cfg.sp_hh, cfg.sp_h, cfg.sp_l, cfg.sp_ll), strict=True)
            if sp is not None
        ]
        if cfg.roc_limit_per_min is not None:
            names.append("ROC")
        if self.est is not None:
            names.append("PRE")
        names += [n for n in PROCESS_CONDITIONS if n not in names and self.conds[n].active]
        return names


class AlarmEngine:
    """Process side of the alarm lifecycle for a set of points (see the module docstring)."""

    def __init__(
        self,
        limits: AlarmKpiLimits = ISA182_EEMUA191_V1,
        *,
        early_warning: EarlyWarningParams = EW_V1,
        roc_window_s: float = ROC_WINDOW_S,
        stale_factor: float = STALE_FACTOR,
    ) -> None:
        self.limits = limits
        # The ingest's clock for the batch being processed (set by the pipeline): STALE means "no
        # reading received" for 3 × the expected interval, whatever time the readings carry (a
        # backfill or a gateway's buffered backlog must not look stale). None: the reading's time.
        self.clock: float | None = None
        self.ew = early_warning
        self.roc_window_s = roc_window_s
        self.stale_factor = stale_factor
        self._points: dict[int, _Point] = {}
        # Insertion-ordered dicts used as sets, so a replay emits changes in the same order.
        self._busy: dict[_Point, None] = {}  # points that may have a pending on/off delay
        self._chatter: dict[tuple[_Point, _Cond], None] = {}
        self._orphans: dict[int, list[tuple[str, bool, float | None, bool, bool]]] = {}
        self._orphan_current: dict[int, tuple[float, float, int]] = {}

    # -- configuration and restart ---------------------------------------------------------------

    def set_points(self, configs: Iterable[PointConfig]) -> None:
        """Add or replace point configurations; the state of known points is kept."""
        for cfg in configs:
            p = self._points.get(cfg.id)
            if p is None:
                p = self._points[cfg.id] = _Point(cfg)
            p.configure(cfg, self.ew, self.stale_factor)
            for args in self._orphans.pop(cfg.id, ()):
                self.restore(cfg.id, *args)
            if cfg.id in self._orphan_current:
                self.restore_current(cfg.id, *self._orphan_current.pop(cfg.id))
        for p in self._points.values():
            p.dependents = []
        for p in self._points.values():
            sid = p.cfg.suppress_point_id
            sup = self._points.get(sid) if sid is not None else None
            if sup is not None and p.cfg.suppress_value is not None:
                sup.dependents.append(p)
                self._desire_suppression(p, sup.last_v, None)
            elif p.supp:
                p.supp = False
                p.release_at = None
                p.supp_dirty = True

    def restore(
        self,
        point_id: int,
        condition: str,
        active: bool,
        activated_at: float | None,
        suppressed: bool,
        chattering: bool,
    ) -> None:
        """Rebuild one condition from its `mon_alarm` row (process columns) without emitting changes."""
        p = self._points.get(point_id)
        if p is None:  # configured later: applied by set_points
            self._orphans.setdefault(point_id, []).append(
                (condition, active, activated_at, suppressed, chattering)
            )
            return
        c = p.conds[condition]
        c.active = active
        c.activated_at = activated_at if active else None
        c.since = None
        c.suppressed = suppressed
        c.chattering = chattering
        if chattering:
            c.last_act = activated_at
            self._chatter[(p, c)] = None
        else:
            self._chatter.pop((p, c), None)
        if condition == "BAD":
            p.bad = active
        elif condition == "STALE":
            p.stale = active
        elif condition in LIMIT_CONDITIONS:
            p.limit_busy = True
        elif condition == "PRE":
            c.target = None

    def restore_current(self, point_id: int, t: float, value: float, quality: int = 0) -> None:
        """Seed the last reading from `mon_point_current` (STALE timing, suppression, gap detection)."""
        p = self._points.get(point_id)
        if p is None:
            self._orphan_current[point_id] = (t, value, quality)
            return
        p.last_t = t
        if quality != QUALITY_BAD:
            p.last_v = value
            for dep in p.dependents:
                self._desire_suppression(dep, value, None)

    def active(self, point_id: int) -> dict[str, bool]:
        """Active flag of every condition of a point (for diagnostics and tests)."""
        p = self._points[point_id]
        return {name: c.active for name, c in p.conds.items()}

    # -- hot path --------------------------------------------------------------------------------

    def process(self, r: Reading) -> list[AlarmChange]:
        """Evaluate one reading of a point; returns the alarm changes it causes (usually none)."""
        p = self._points.get(r.point_id)
        if p is None or not p.cfg.enabled:
            return []
        t = r.t
        v = r.value
        out: list[AlarmChange] = []
        prev_t = p.last_t
        p.last_t = t
        p.last_rx = self.clock if self.clock is not None else t
        if p.stale:
            self._deactivate(p, p.conds["STALE"], t, v, out, "Data received again")
            p.stale = False
        if r.quality == QUALITY_BAD:
            self._on_bad(p, t, v, out)
            return out
        if p.bad:
            p.bad = False
            self._deactivate(p, p.conds["BAD"], t, v, out, "Quality good again")
        p.last_v = v
        if p.release_at is not None and t >= p.release_at:
            self._release(p, out)
        if p.supp_dirty:
            self._apply_suppression(p, t, out)
        # Common case: nothing pending or active on the limits and the value inside all of them.
        if p.limit_busy or v > p.quiet_hi or v < p.quiet_lo:
            self._eval_limits(p, t, v, out)
        gap = prev_t is None or t - prev_t > p.gap_s
        if p.roc_buf is not None:
            self._eval_roc(p, t, v, gap, out)
        if p.est is not None:
            self._eval_pre(p, t, v, gap, out)
        if p.dependents:
            for dep in p.dependents:
                self._desire_suppression(dep, v, t)
                if dep.supp_dirty:
                    self._apply_suppression(dep, t, out)
        return out

    def tick(self, now: float) -> list[AlarmChange]:
        """Time-driven changes: STALE data, expired on/off delays, end of chattering."""
        out: list[AlarmChange] = []
        for p in self._points.values():
            if not p.cfg.enabled:
                continue
            if p.release_at is not None and now >= p.release_at:
                self._release(p, out)
            if p.supp_dirty:
                self._apply_suppression(p, now, out)
            last = p.last_rx if p.last_rx is not None else p.last_t
            if last is None:
                if p.first_seen is None:
                    p.first_seen = now
                last = p.first_seen
            if not p.stale and now - last >= p.stale_after:
                self._on_stale(p, now, out)
        for p in list(self._busy):
            self._expire_delays(p, now, out)
        quiet = self.limits.chatter_window_s
        for p, c in list(self._chatter):
            if c.last_act is None:
                c.last_act = now
            elif now - c.last_act >= quiet:
                c.chattering = False
                c.acts.clear()
                del self._chatter[(p, c)]
                out.append(
                    AlarmChange(
                        p.cfg.id,
                        c.name,
                        "chattering",
                        now,
                        self._priority(p, c.name),
                        p.last_v,
                        None,
                        "Chattering ended",
                        {"on": False},
                    )
                )
        return out

    # -- conditions ------------------------------------------------------------------------------

    def _eval_limits(self, p: _Point, t: float, v: float, out: list[AlarmChange]) -> None:
        cfg = p.cfg
        db = cfg.deadband
        busy = False
        for c, sp in zip(p.lconds, (cfg.sp_hh, cfg.sp_h, cfg.sp_l, cfg.sp_ll), strict=True):
            if sp is None:
                if c.active:  # set-point removed while active
                    self._deactivate(p, c, t, v, out, f"{_NAMES[c.name]} set-point removed")
                c.since = None
                continue
            if c.name in HIGH_CONDITIONS:
                exceeded = v > sp
                back = v <= sp - db
            else:
                exceeded = v < sp
                back = v >= sp + db
            if self._step(p, c, t, v, exceeded, back, sp, out):
                busy = True
                if c.since is not None:
                    self._busy[p] = None
        p.limit_busy = busy

    def _step(
        self,
        p: _Point,
        c: _Cond,
        t: float,
        v: float,
        exceeded: bool,
        back: bool,
        limit: float,
        out: list[AlarmChange],
    ) -> bool:
        """Advance one delayed condition with a sample; returns True while it is active or pending."""
        if not c.active:
            if not exceeded:
                c.since = None
                return False
            if c.since is None:
                c.since = t
            if t - c.since >= p.cfg.on_delay_s:
                self._activate(p, c, t, v, limit, out)
            return True
        if not back:
            c.since = None
            return True
        if c.since is None:
            c.since = t
        if t - c.since >= p.cfg.off_delay_s:
            self._deactivate(p, c, t, v, out)
            return False
        return True

    def _expire_delays(self, p: _Point, now: float, out: list[AlarmChange]) -> None:
        cfg = p.cfg
        pending = False
        if not (p.stale or p.bad):
            for c in (*p.lconds, p.conds["ROC"]):
                if c.since is None:
                    continue
                due = c.since + (cfg.off_delay_s if c.active else cfg.on_delay_s)
                if now < due:
                    pending = True
                elif c.name == "ROC":
                    if c.active:
                        self._deactivate(p, c, due, p.roc_rate, out)
                    else:
                        self._activate(p, c, due, p.roc_rate, cfg.roc_limit_per_min, out)
                elif c.active:
                    self._deactivate(p, c, due, p.last_v, out)
                else:
                    self._activate(p, c, due, p.last_v, self._limit(cfg, c.name), out)
        if not pending:
            self._busy.pop(p, None)

    def _eval_roc(self, p: _Point, t: float, v: float, gap: bool, out: list[AlarmChange]) -> None:
        buf = p.roc_buf
        assert buf is not None
        if gap:
            buf.clear()
        buf.append((t, v))
        cut = t - self.roc_window_s
        # Keep the newest sample at least one window old as the reference.
        while len(buf) > 2 and buf[1][0] <= cut:
            buf.popleft()
        t0, v0 = buf[0]
        span = t - t0
        if span < self.roc_window_s:
            return  # less than one window of history: hold
        rate = p.roc_rate = abs(v - v0) * 60.0 / span
        limit = p.cfg.roc_limit_per_min
        assert limit is not None
        c = p.conds["ROC"]
        if rate <= limit and not c.active and c.since is None:
            return  # common case: nothing active, nothing pending
        self._step(p, c, t, rate, rate > limit, rate <= limit, limit, out)
        if c.since is not None:
            self._busy[p] = None

    def _eval_pre(self, p: _Point, t: float, v: float, gap: bool, out: list[AlarmChange]) -> None:
        est = p.est
        assert est is not None
        ew = self.ew
        if gap:
            est.reset()
        est.update(t, v)
        c = p.conds["PRE"]
        if not est.ready(ew):
            return  # not enough history: hold (also keeps a restored PRE until the fit is trusted)
        if not c.active and p.limit_busy and any(x.active for x in p.lconds):
            return
        slope = est.slope()
        if c.active and c.target is not None:
            target: str | None = c.target
        else:
            target = p.hi_target if slope > 0.0 else (p.lo_target if slope < 0.0 else None)
        horizon = p.cfg.forecast_horizon_s
        assert horizon is not None
        limit = None if target is None else self._limit(p.cfg, target)
        if limit is None:  # no set-point that way (or it was removed while PRE was active)
            eta = INF
        else:
            level = est.mv + slope * (t - est.t_first - est.mt)
            eta = time_to_cross(level, slope, limit, target in HIGH_CONDITIONS)
        if not c.active and eta >= horizon:
            return  # cheap exit: no crossing forecast within the horizon
        r2 = explained(est.ctt, est.ctv, est.cvv)
        now_active = pre_alarm_active(c.active, eta, r2, horizon, ew)
        if now_active == c.active:
            return
        extra = {"target": target, "eta_s": round(eta, 1) if eta != INF else None, "r2": round(r2, 3)}
        if now_active:
            c.target = target
            msg = f"Early warning: {_NAMES[target or 'H']} set-point {_fmt(limit)} forecast in {eta / 60:.1f} min"
            self._activate(p, c, t, v, limit, out, msg, extra)
        else:
            self._deactivate(p, c, t, v, out, "Early warning cleared", extra)

    def _on_bad(self, p: _Point, t: float, v: float, out: list[AlarmChange]) -> None:
        if not p.bad:
            p.bad = True
            self._activate(p, p.conds["BAD"], t, v, None, out, "Bad quality")
        self._hold(p)

    def _on_stale(self, p: _Point, now: float, out: list[AlarmChange]) -> None:
        p.stale = True
        seen = p.last_rx if p.last_rx is not None else p.last_t
        silent = now - (seen if seen is not None else p.first_seen or now)
        msg = f"No data for {silent:.0f} s (expected every {p.cfg.expected_interval_s:g} s)"
        self._activate(p, p.conds["STALE"], now, p.last_v, None, out, msg, {"data_quality": True})
        self._hold(p)

    def _hold(self, p: _Point) -> None:
        """Freeze the process conditions: cancel pending delays, restart rate and trend histories."""
        for c in p.lconds:
            c.since = None
        p.conds["ROC"].since = None
        if p.roc_buf is not None:
            p.roc_buf.clear()
        if p.est is not None:
            p.est.reset()
        p.limit_busy = any(c.active for c in p.lconds)
        self._busy.pop(p, None)

    # -- suppression by design -------------------------------------------------------------------

    def _desire_suppression(self, p: _Point, suppressor_value: float | None, t: float | None) -> None:
        """Track the suppressor's value; t is None outside the sample flow (restore, reconfigure)."""
        sv = p.cfg.suppress_value
        if suppressor_value is None or sv is None:
            return
        if abs(suppressor_value - sv) <= SUPPRESS_TOLERANCE:
            p.release_at = None
            if p.supp is not True:
                p.supp = True
                p.supp_dirty = True
        elif p.supp is None or (p.supp and t is None):
            p.supp = False
            p.release_at = None
            p.supp_dirty = True
        elif p.supp and p.release_at is None and t is not None:
            p.release_at = t + p.release_s

    def _release(self, p: _Point, out: list[AlarmChange]) -> None:
        t = p.release_at
        assert t is not None
        p.release_at = None
        p.supp = False
        self._apply_suppression(p, t, out)

    def _apply_suppression(self, p: _Point, t: float, out: list[AlarmChange]) -> None:
        p.supp_dirty = False
        want = bool(p.supp)
        for name in p.process_conditions():
            c = p.conds[name]
            if c.suppressed == want:
                continue
            c.suppressed = want
            kind = "suppressed" if want else "unsuppressed"
            msg = "Suppressed by design" if want else "Suppression by design ended"
            extra = {"by_point_id": p.cfg.suppress_point_id}
            out.append(
                AlarmChange(p.cfg.id, name, kind, t, self._priority(p, name), p.last_v, None, msg, extra)
            )

    # -- emission --------------------------------------------------------------------------------

    def _activate(
        self,
        p: _Point,
        c: _Cond,
        t: float,
        v: float | None,
        limit: float | None,
        out: list[AlarmChange],
        message: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        c.active = True
        c.since = None
        c.activated_at = t
        name = c.name
        cfg = p.cfg
        extra = dict(extra) if extra else {}
        if name in PROCESS_CONDITIONS:
            extra["suppressed"] = c.suppressed
        if name in _LEVEL:
            extra["level"] = _LEVEL[name]
            if message is None:
                where = "above" if name in HIGH_CONDITIONS else "below"
                what = (
                    f"Gas level-{_LEVEL[name]} alarm ({name})"
                    if cfg.kind in GAS_KINDS
                    else f"{_NAMES[name]} alarm"
                )
                message = f"{what}: {_fmt(v)}{_unit(cfg)} {where} {_fmt(limit)}"
        elif name == "ROC" and message is None:
            message = f"Rate of change {_fmt(v)}{_unit(cfg)}/min above {_fmt(limit)}/min"
            extra["pv"] = p.last_v
        out.append(
            AlarmChange(
                cfg.id, name, "activated", t, self._priority(p, name, extra), v, limit, message, extra
            )
        )
        if name in LIMIT_CONDITIONS:
            pre = p.conds["PRE"]
            if pre.active:
                self._deactivate(
                    p, pre, t, v, out, f"Early warning ended: {name} alarm active", {"reason": "alarm"}
                )
        self._count_activation(p, c, t, out)

    def _deactivate(
        self,
        p: _Point,
        c: _Cond,
        t: float,
        v: float | None,
        out: list[AlarmChange],
        message: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        c.active = False
        c.since = None
        c.activated_at = None
        name = c.name
        limit = None
        if name in LIMIT_CONDITIONS:
            limit = self._limit(p.cfg, name)
        elif name == "ROC":
            limit = p.cfg.roc_limit_per_min
        elif name == "PRE" and c.target is not None:
            limit = self._limit(p.cfg, c.target)
        if message is None:
            message = f"{_NAMES.get(name, name)} alarm returned: {_fmt(v)}"
        prio = self._priority(p, name, {"target": c.target} if name == "PRE" else None)
        if name == "PRE":
            c.target = None
        out.append(
            AlarmChange(p.cfg.id, name, "returned", t, prio, v, limit, message, dict(extra) if extra else {})
        )

    def _count_activation(self, p: _Point, c: _Cond, t: float, out: list[AlarmChange]) -> None:
        acts = c.acts
        acts.append(t)
        n = self.limits.chatter_min_activations
        while len(acts) > n:
            acts.popleft()
        c.last_act = t
        if c.chattering:
            return
        if len(acts) == n and t - acts[0] <= self.limits.chatter_window_s:
            c.chattering = True
            self._chatter[(p, c)] = None
            out.append(
                AlarmChange(
                    p.cfg.id,
                    c.name,
                    "chattering",
                    t,
                    self._priority(p, c.name),
                    None,
                    None,
                    f"Chattering: {n} activations within {self.limits.chatter_window_s} s",
                    {"on": True},
                )
            )

    @staticmethod
    def _limit(cfg: PointConfig, name: str) -> float | None:
        if name == "HH":
            return cfg.sp_hh
        if name == "H":
            return cfg.sp_h
        if name == "L":
            return cfg.sp_l
        if name == "LL":
            return cfg.sp_ll
        return None

    @staticmethod
    def _priority(p: _Point, name: str, extra: Mapping[str, Any] | None = None) -> str:
        cfg = p.cfg
        if name == "HH":
            return cfg.prio_hh
        if name == "H":
            return cfg.prio_h
        if name == "L":
            return cfg.prio_l
        if name == "LL":
            return cfg.prio_ll
        if name == "PRE":
            target = (extra or {}).get("target") or p.conds["PRE"].target
            return pre_priority(cfg, str(target) if target else None)
        return cfg.prio_diag


def pre_priority(cfg: PointConfig, target: str | None) -> str:
    """PRE priority [D]: the target set-point's priority demoted one rank, never below prio_diag."""
    diag_rank = PRIORITY_RANK.get(cfg.prio_diag, len(PRIORITIES) - 1)
    if target is None:
        return cfg.prio_diag
    target_prio = {"HH": cfg.prio_hh, "H": cfg.prio_h, "L": cfg.prio_l, "LL": cfg.prio_ll}[target]
    demoted = min(PRIORITY_RANK.get(target_prio, len(PRIORITIES) - 1) + 1, len(PRIORITIES) - 1)
    return PRIORITIES[min(demoted, diag_rank)]
