"""Planted events: where they go in the requested range, and the truth rows that describe them.

Each event has a preferred calendar slot (mostly the 2021 boom and the 2023 slump). When the
requested range does not cover it, the event moves to the nearest slot that fits, and it is left
out (not listed) when the range is too short. Entity ids are collected while months are
generated so alert tests can look them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from synthetic.calendar import month_str, parse_month
from synthetic.geo import Geography

EVENT_COLUMNS = (
    "event_id",
    "kind",
    "district_code",
    "entity_type",
    "entity_ids",
    "related_ids",
    "start_month",
    "end_month",
    "magnitude",
    "expected_rule",
    "expected_level",
    "description",
)


@dataclass
class Slot:
    """One planted event: district, months and the ids collected while generating."""

    kind: str
    district: int
    first: int
    last: int
    params: dict = field(default_factory=dict)
    entity_ids: list[str] = field(default_factory=list)
    related_ids: list[str] = field(default_factory=list)
    magnitude: float | None = None

    def active(self, month: int) -> bool:
        return self.first <= month <= self.last


# kind -> (district code, preferred first month, length in months, lead months needed before)
_PREFERRED: dict[str, tuple[str, str, int, int]] = {
    "price_surge": ("320614", "2021-03", 8, 12),
    "filed_price_above": ("320602", "2021-05", 3, 1),
    "filed_price_discount": ("320612", "2023-06", 3, 1),
    "land_premium_cap": ("320602", "2021-05", 1, 0),
    "land_lottery": ("320600K01", "2021-06", 1, 0),
    "bank_concentration": ("320600", "2021-01", 1, 0),
    "months_of_supply_low": ("320602", "2020-05", 11, 12),
    "months_of_supply_high": ("320600K03", "2023-01", 6, 12),
    "flipping_ring": ("320602", "2019-03", 26, 0),
    "volume_surge": ("320682", "2019-06", 1, 12),
    "withheld_supply": ("320612", "2020-09", 12, 0),
    # presale-fund supervision and developers: district and months fixed once the permit,
    # project or developer is chosen (synthetic/escrow.py, synthetic/developers.py)
    "escrow_diversion": ("", "2022-04", 6, 2),
    "escrow_early_release": ("", "2021-09", 5, 3),
    "construction_stall": ("", "2022-05", 12, 4),
    "developer_red_slide": ("", "2021-06", 13, 3),
}
# extra expected alerts of one planted event: kind -> (rule, level, description)
EXTRA_RULES: dict[str, tuple[str, str, str]] = {
    "escrow_early_release": (
        "escrow_balance_short",
        "red",
        "提前拨付后监管账户余额低于应留存重点监管资金 / balance below the required key funds",
    ),
    "construction_stall": (
        "delivery_overdue",
        "red",
        "超过约定交付日期仍未竣工验收 / promised delivery date passed before completion",
    ),
    "developer_red_slide": (
        "developer_debt_growth",
        "red",
        "有息负债年增速超过所在档位上限 / interest-bearing debt growth above its tier's cap",
    ),
}

RULES: dict[str, tuple[str, str, str, str]] = {
    "price_surge": (
        "price_control_target",
        "red",
        "district",
        "新建商品住宅价格指数同比突破调控目标上限 / new-home index YoY above the control band",
    ),
    "filed_price_above": (
        "filed_price_above",
        "red",
        "contract",
        "项目成交单价高于备案单价 / contracts signed above the filed price",
    ),
    "filed_price_discount": (
        "filed_price_discount",
        "orange",
        "contract",
        "项目成交单价低于备案价85% / abnormal discounting below 85% of filed",
    ),
    "land_premium_cap": (
        "land_premium_cap",
        "orange",
        "parcel",
        "地块溢价率触及15%上限 / parcel sold at the 15% premium cap",
    ),
    "land_lottery": (
        "land_lottery",
        "orange",
        "parcel",
        "地块触顶转限价摇号 / parcel sent to lottery at the price cap",
    ),
    "bank_concentration": (
        "bank_concentration",
        "red",
        "institution",
        "银行房地产贷款集中度超档位上限 / bank above its tier concentration caps",
    ),
    "months_of_supply_low": (
        "months_of_supply",
        "red",
        "district",
        "去化周期低于6个月（供应短缺） / months of supply under 6 (shortage)",
    ),
    "months_of_supply_high": (
        "months_of_supply",
        "red",
        "district",
        "去化周期超过36个月（供应过剩） / months of supply over 36 (oversupply)",
    ),
    "flipping_ring": (
        "speculation_flip",
        "orange",
        "buyer",
        "炒房团伙：半年多套、两年内转售 / flipping ring: several buys, resold within 2 years",
    ),
    "volume_surge": (
        "volume_surge",
        "orange",
        "district",
        "月成交套数超过近12个月均值1.5倍 / monthly volume above 1.5x trailing 12-month mean",
    ),
    "withheld_supply": (
        "withheld_supply",
        "orange",
        "project",
        "开发商取证后捂盘惜售 / developer holds permitted units off the market",
    ),
    "escrow_diversion": (
        "escrow_deposit_shortfall",
        "red",
        "project",
        "购房款约半数未存入监管账户（挪用） / half the buyers' payments bypass the escrow account",
    ),
    "escrow_early_release": (
        "escrow_release_ahead",
        "red",
        "project",
        "主体结构1/2即按封顶比例拨付重点监管资金 / key funds released ahead of the node schedule",
    ),
    "construction_stall": (
        "construction_stalled",
        "red",
        "project",
        "主体结构1/2后停工12个月以上仍在销售 / no construction node for 12+ months while selling",
    ),
    "developer_red_slide": (
        "developer_red_line_tier",
        "red",
        "developer",
        "房企三道红线逐季恶化 绿→黄→橙→红 / developer slides green→yellow→orange→red",
    ),
}


def plan_events(geo: Geography, start: int, end: int) -> dict[str, Slot]:
    """Place every event that fits into [start, end]."""
    out: dict[str, Slot] = {}
    for kind, (code, pref, length, lead) in _PREFERRED.items():
        lo = start + lead
        hi = end - length + 1
        if kind == "bank_concentration":
            hi = end
        if kind == "developer_red_slide":
            lo = max(_quarter_end(lo), _quarter_end(_red_lines_from()))
        if hi < lo:
            continue
        first = min(max(parse_month(pref), lo), hi)
        if kind == "developer_red_slide":
            first = _quarter_end(first) if _quarter_end(first) <= hi else first - first % 3 - 1
            if first < lo:
                continue
        last = end if kind == "bank_concentration" else first + length - 1
        district = geo.codes.index(code) if code in geo.codes else -1
        out[kind] = Slot(kind=kind, district=district, first=first, last=min(last, end))
    if "months_of_supply_high" in out:
        out["months_of_supply_high"].last = end
    return out


def _quarter_end(month: int) -> int:
    return month + (2 - month % 3)


def _red_lines_from() -> int:
    from synthetic.policy import load_policy

    day = min(r.valid_from for r in load_policy().red_lines)
    return day.year * 12 + day.month - 1


def event_rows(geo: Geography, slots: dict[str, Slot]) -> list[dict[str, str]]:
    """Rows of truth/events.csv, in a stable order."""
    rows = []
    planned = []
    for kind, slot in sorted(slots.items(), key=lambda kv: list(_PREFERRED).index(kv[0])):
        rule, level, entity_type, text = RULES[kind]
        planned.append((kind, slot, rule, level, entity_type, text, slot.first, slot.last))
        extra = slot.params.get("extra")  # (first, last) of a second expected alert
        if kind in EXTRA_RULES and extra is not None:
            rule2, level2, text2 = EXTRA_RULES[kind]
            planned.append((kind, slot, rule2, level2, entity_type, text2, *extra))
    for i, (kind, slot, rule, level, entity_type, text, first, last) in enumerate(planned):
        code = geo.codes[slot.district] if slot.district >= 0 else geo.city_code
        rows.append(
            {
                "event_id": f"E{i + 1:02d}",
                "kind": kind,
                "district_code": code,
                "entity_type": entity_type,
                "entity_ids": ";".join(slot.entity_ids),
                "related_ids": ";".join(slot.related_ids),
                "start_month": month_str(first) + "-01",
                "end_month": month_str(last) + "-01",
                "magnitude": "" if slot.magnitude is None else f"{slot.magnitude:.4g}",
                "expected_rule": rule,
                "expected_level": level,
                "description": text,
            }
        )
    return rows
