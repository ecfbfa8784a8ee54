"""The period a brief covers: a month (月度分析), a quarter (季度评价) or a year (年度考核).

Marts key every period by its grain and first day (period_grain, period_start), so a brief's
period is exactly that pair plus the months it spans and the labels people read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from core.errors import UserError

Grain = Literal["month", "quarter", "year"]
_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def add_months(day: dt.date, months: int) -> dt.date:
    """First day of the month `months` after (or before) `day`'s month."""
    ordinal = day.year * 12 + day.month - 1 + months
    return dt.date(ordinal // 12, ordinal % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    grain: Grain
    start: dt.date

    @property
    def months(self) -> int:
        return _MONTHS[self.grain]

    @property
    def last_month(self) -> dt.date:
        """First day of the period's last month (where stocks and balances are read)."""
        return add_months(self.start, self.months - 1)

    @property
    def end(self) -> dt.date:
        """First day after the period."""
        return add_months(self.start, self.months)

    @property
    def previous(self) -> Period:
        return Period(self.grain, add_months(self.start, -self.months))

    @property
    def year_ago(self) -> Period:
        return Period(self.grain, add_months(self.start, -12))

    @property
    def key(self) -> str:
        """`2025-06`, `2025-Q2`, `2025`: the CLI's spelling and the report folder name."""
        if self.grain == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def label_zh(self) -> str:
        """`2025年6月`, `2025年第二季度`, `2025年`."""
        if self.grain == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.grain == "quarter":
            q = "一二三四"[(self.start.month - 1) // 3]
            return f"{self.start.year}年第{q}季度"
        return f"{self.start.year}年"

    @property
    def short_zh(self) -> str:
        """What a sentence starts with: `6月`, `二季度`, `全年`."""
        if self.grain == "month":
            return f"{self.start.month}月"
        if self.grain == "quarter":
            return f"{'一二三四'[(self.start.month - 1) // 3]}季度"
        return "全年"

    @property
    def edition_zh(self) -> str:
        return {"month": "月度分析", "quarter": "季度评价", "year": "年度考核"}[self.grain]

    @property
    def change_zh(self) -> str:
        """What 'vs the previous period' is called: 环比 (month, quarter); years have none."""
        return "环比" if self.grain != "year" else ""

    def month_starts(self) -> list[dt.date]:
        return [add_months(self.start, i) for i in range(self.months)]


def parse_period(text: str) -> Period:
    """`2025-06` → month, `2025-Q2` → quarter, `2025` → year; a UserError otherwise."""
    raw = text.strip()
    for pattern, grain in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        year = int(match.group(1))
        if grain == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
        elif grain == "quarter":
            month = (int(match.group(2)) - 1) * 3 + 1
        else:
            month = 1
        return Period(grain, dt.date(year, month, 1))  # type: ignore[arg-type]
    raise UserError(
        f"period {text!r}: expected a month (2025-06), a quarter (2025-Q2) or a year (2025)"
    )


def check_not_future(period: Period, today: dt.date | None = None) -> None:
    """A brief covers complete periods only: one ending after this month began is refused."""
    today = today or dt.date.today()
    this_month = dt.date(today.year, today.month, 1)
    if period.end > this_month:
        raise UserError(
            f"period {period.key} is not over yet (today is {today.isoformat()}): "
            "a brief covers complete periods only"
        )
