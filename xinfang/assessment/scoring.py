"""How a scheme (考核办法) turns a unit's figures into points, and spot checks' draws and
scores: pure arithmetic, no ORM.

Rules where the issue leaves a choice:

- An item scores full points at or above its target. Below it, a linear item scores
  points × value ÷ target (so a target of 100 % is the county scheme's "rate × points"),
  a stepped item loses `step_points` for every started `step` below the target; either
  scores zero under the item's floor (a floor equal to the target makes the item all
  or nothing), and never less than zero.
- A rate with nothing to count (no case fell due) scores full points: the unit had
  nothing to fail, and a blank would rank it below a unit that failed some.
- A deduction or bonus is `each` × the count, capped in size by `cap`; the total may
  fall below zero, since the scheme's deductions are not bounded by its items.
- Units with equal scores share a rank, the next rank skips (1, 1, 3).
- A spot-checked case fails below 60 of 100 (fewer than three of the five checklist
  items met); the scheme's spot-check deduction counts the failed cases.
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
LINEAR, STEPPED = "linear", "stepped"


@dataclass(frozen=True)
class ItemRule:
    kpi: str
    points: Decimal
    target: Decimal
    rule: str
    floor: Decimal | None = None
    step: Decimal | None = None
    step_points: Decimal | None = None


@dataclass(frozen=True)
class AdjustmentRule:
    source: str
    each: Decimal
    cap: Decimal | None = None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def scheme_problems(
    total: Decimal,
    items: Sequence[ItemRule],
    adjustments: Sequence[AdjustmentRule],
    labels: Mapping[str, str | Promise],
) -> list[str]:
    """Return why a scheme cannot score (empty when it can), each reason in a sentence."""
    problems = []
    if not items:
        problems.append(_("考核办法没有任何考核指标。"))
    points = sum((i.points for i in items), Decimal(0))
    if items and points != total:
        problems.append(
            _("各项指标分值合计 %(sum)s 分，与指标总分 %(total)s 分不符。")
            % {"sum": points, "total": total}
        )
    seen: set[str] = set()
    for i in items:
        label = labels.get(i.kpi, i.kpi)
        if i.kpi in seen:
            problems.append(_("指标“%(k)s”重复。") % {"k": label})
        seen.add(i.kpi)
        if i.points <= 0:
            problems.append(_("指标“%(k)s”的分值须大于零。") % {"k": label})
        if not 0 < i.target <= 1:
            problems.append(_("指标“%(k)s”的目标值须在 0 与 1 之间。") % {"k": label})
        if i.floor is not None and not 0 <= i.floor <= i.target:
            problems.append(_("指标“%(k)s”的底线值不能高于目标值。") % {"k": label})
        if i.rule == STEPPED and not (i.step and i.step > 0 and i.step_points):
            problems.append(_("指标“%(k)s”按阶梯扣分，须填写档距和每档扣分。") % {"k": label})
    sources = [a.source for a in adjustments]
    if len(set(sources)) != len(sources):
        problems.append(_("同一加减分依据只能设一条规则。"))
    for a in adjustments:
        if a.cap is not None and a.cap <= 0:
            problems.append(_("加减分封顶须为正数（按绝对值计）。"))
    return problems


def item_points(item: ItemRule, value: float | None) -> Decimal:
    """Return the points `item` gives a figure of `value` (a rate, or None when uncounted)."""
    if value is None:
        return item.points
    v = Decimal(str(value))
    if v >= item.target:
        return item.points
    if item.floor is not None and v < item.floor:
        return Decimal(0)
    if item.rule == STEPPED:
        assert item.step and item.step_points
        steps = math.ceil((item.target - v) / item.step)
        return max(Decimal(0), _cents(item.points - steps * item.step_points))
    return _cents(item.points * v / item.target)


def adjustment_points(rule: AdjustmentRule, count: int) -> Decimal:
    """Return the points `count` events give under `rule`, capped in size by its cap."""
    points = rule.each * count
    if rule.cap is not None and abs(points) > rule.cap:
        return rule.cap if points > 0 else -rule.cap
    return _cents(points)


def ranks(scores: Sequence[Decimal]) -> list[int]:
    """Return each score's rank, highest first; equal scores share a rank (1, 1, 3)."""
    ordered = sorted(scores, reverse=True)
    return [ordered.index(s) + 1 for s in scores]


def draw(strata: Mapping[int, Sequence[int]], size: int, seed: int) -> dict[int, list[int]]:
    """Return `size` ids drawn from each stratum, reproducibly from `seed`.

    The strata are visited in key order and each one's ids sorted first, so the draw
    depends only on the seed and the population, not on the order a query returned it.
    """
    rng = random.Random(seed)
    return {key: sorted(rng.sample(sorted(strata[key]), size)) for key in sorted(strata)}


SPOT_CHECK_PASS: Final = Decimal(60)


def checklist_score(checks: Mapping[str, bool], keys: Sequence[str]) -> Decimal:
    """Return a sampled case's score out of 100: the share of the checklist's items met."""
    return _cents(Decimal(100) * sum(bool(checks.get(k)) for k in keys) / len(keys))
