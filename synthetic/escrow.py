"""Presale-fund supervision (预售资金监管): agreements, construction nodes and escrow accounts.

Every presale permit gets a supervision agreement in its issue month (key supervised amount =
permit area × the cost standard in force, from the seed), a construction schedule per building
(开工, 正负零 before the permit, then 主体结构二分之一, 主体封顶, 竣工验收, 交付, gaps under the
seed's max_months_to_next) and an escrow account whose monthly statement follows the permit's
own new-home contracts: cash and instalment buyers pay in full in the sign month, loan buyers a
down payment and the bank the loan (ESCROW_MORTGAGE_LAG_MONTHS later: the month after);
a cancellation refunds what was deposited. The
account holds min(key amount, net deposits) as key funds; at each node the bank releases key
funds up to the node's cumulative share and the developer withdraws what lies above the key
funds still required plus a small buffer (and plus the refunds already known to be coming).
After 交付 the account closes once nothing is pending; later contracts (现房) are not escrowed.

Every draw comes from new streams ("escrow_agreement", "construction", per month): nothing here
changes what the other sources write.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import polars as pl

from synthetic.calendar import first_day, month_str, rng_for
from synthetic.params import (
    BANKS,
    ESCROW_BUFFER_SHARE,
    ESCROW_DIVERTED_SHARE,
    ESCROW_DOWN_SHARE,
    ESCROW_MORTGAGE_LAG_MONTHS,
    NODE_GAP_MONTHS,
    PROMISED_DELIVERY_MONTHS,
    STALL_MONTHS,
)
from synthetic.policy import Policy, load_policy
from synthetic.store import Permit
from synthetic.world import World
from synthetic.writers import CsvSink

AGREEMENT_HEADERS = (
    "监管协议编号",
    "预售许可证号",
    "项目编号",
    "项目名称",
    "开发企业",
    "开发企业统一社会信用代码",
    "区县",
    "监管银行",
    "监管账号",
    "监管面积(㎡)",
    "重点监管资金标准(元/㎡)",
    "重点监管资金额度",
    "协议签订日期",
    "约定交付日期",
)
STATEMENT_HEADERS = (
    "监管账号",
    "监管银行",
    "报告期",
    "期初余额",
    "首付款入账",
    "按揭放款入账",
    "一次性付款入账",
    "重点监管资金拨付",
    "一般监管资金使用",
    "退房退款",
    "期末余额",
)
CONSTRUCTION_HEADERS = ("预售许可证号", "项目编号", "幢号", "形象进度节点", "达到日期", "确认单位")
SUPERVISORS = ("江海", "通州湾", "紫琅", "濠河", "崇川", "长江", "通城", "苏通")
LOANS = ("商贷", "公积金", "组合贷")
ESCROW_BANKS = tuple(b for b in BANKS if b[2] <= 4)  # no 村镇银行 among supervising banks
ESCROW_TRUTH_COLUMNS = (
    "permit_id",
    "project_id",
    "account_no",
    "period_month",
    "contracts_signed",
    "contract_signed_yuan",
    "deposits_yuan",
    "refund_yuan",
    "release_key_yuan",
    "withdrawal_other_yuan",
    "closing_balance_yuan",
    "key_amount_yuan",
    "net_deposits_to_date_yuan",
    "releases_to_date_yuan",
    "last_node",
    "release_cum_pct",
    "required_key_balance_yuan",
)


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z


def developer_id(name: str) -> str:
    """An 18-character 统一社会信用代码-like id, stable per developer name (fake): 91 (enterprise),
    320600 (Nantong), an organisation code in the MA… form companies registered since 2015 get,
    and a check character (GB 32100-2015's weights). Never all digits, so it can never pass for
    an ID number."""
    n = zlib.crc32(name.encode("utf-8"))
    org = "MA" + "".join(USCC_CHARS[(n >> (5 * i)) % 31] for i in range(6)) + "X"
    body = f"91320600{org}"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def node_gaps_ok(policy: Policy) -> None:
    """The generator's gap ranges stay strictly under the seed's longest normal gap."""
    nodes = policy.nodes
    for prev, node in pairwise(nodes):
        top = NODE_GAP_MONTHS[node.name][1]
        if prev.max_months_to_next is not None and top >= prev.max_months_to_next:
            raise ValueError(
                f"NODE_GAP_MONTHS[{node.name}] reaches the seed's limit after {prev.name}"
            )


@dataclass
class Account:
    pidx: int
    permit_id: str
    project_id: str
    district: int
    issue_month: int
    key: float
    account_no: str
    bank: str
    node_months: list[int]
    buildings: list[tuple[str, int, str]]  # (幢号, day of month, 监理单位)
    written: int = 0  # nodes already written to the construction files
    balance: float = 0.0
    net: float = 0.0
    released: float = 0.0
    closed: bool = False
    diverted: tuple[int, int] | None = None
    early: bool = False
    mortgage: dict[int, float] = field(default_factory=lambda: defaultdict(float))


class EscrowBook:
    """Agreements, construction rows and account statements, month after month."""

    def __init__(self, raw: Path) -> None:
        self.policy = load_policy()
        node_gaps_ok(self.policy)
        self.raw = raw
        self.accounts: dict[int, Account] = {}
        self.sinks: dict[str, CsvSink] = {}
        self.rows: dict[str, dict[str, int]] = defaultdict(dict)
        self.construction: dict[int, list[dict]] = defaultdict(list)
        self.deposited: dict[str, float] = {}  # contract id -> amount in the account
        self.truth: list[dict] = []
        self.signed: dict[tuple[int, int], tuple[int, float]] = {}  # (permit, month) -> n, yuan
        self.agreement_seq: dict[int, int] = defaultdict(int)

    # ---------- writing

    def _write(self, source: str, rel: str, df: pl.DataFrame) -> None:
        if rel not in self.sinks:
            self.sinks[rel] = CsvSink(self.raw / rel, bom=True)
        self.sinks[rel].write(df)
        self.rows[source][rel] = self.sinks[rel].rows

    # ---------- new permits

    def open_permits(self, w: World, month: int, permits: list[tuple[int, Permit]]) -> None:
        """Agreement, schedule and account of each permit issued this month."""
        if not permits:
            return
        rng = rng_for(w.seed, "escrow_agreement", month)
        crng = rng_for(w.seed, "construction", month)
        rows = []
        for pidx, permit in permits:
            proj = w.store.projects[permit.project]
            issue = permit.issue_date
            day = int((issue - first_day(month)).astype(int))
            agreed = issue - np.timedelta64(int(rng.integers(0, min(day, 5) + 1)), "D")
            agreed_date = dt.date.fromisoformat(str(agreed))
            standard = self.policy.cost_standard(agreed_date)
            key = float(round(permit.area * standard))
            bank_i = int(rng.integers(len(ESCROW_BANKS)))
            bank = ESCROW_BANKS[bank_i][1]
            account_no = f"32{bank_i + 1:02d}{month // 12:04d}{pidx:06d}{rng.integers(10**5):05d}"
            year = month // 12
            self.agreement_seq[year] += 1
            promised = first_day(month + PROMISED_DELIVERY_MONTHS + 1) - np.timedelta64(1, "D")
            rows.append(
                {
                    "监管协议编号": f"通预监{year}{self.agreement_seq[year]:04d}",
                    "预售许可证号": permit.permit_id,
                    "项目编号": proj.project_id,
                    "项目名称": proj.name,
                    "开发企业": proj.developer,
                    "开发企业统一社会信用代码": developer_id(proj.developer),
                    "区县": w.geo.names[proj.district],
                    "监管银行": bank,
                    "监管账号": account_no,
                    "监管面积(㎡)": f"{permit.area:.2f}",
                    "重点监管资金标准(元/㎡)": f"{standard:.0f}",
                    "重点监管资金额度": f"{key:.0f}",
                    "协议签订日期": str(agreed),
                    "约定交付日期": str(promised),
                }
            )
            ground = month - 1 - int(crng.integers(0, 2))
            months = [ground - NODE_GAP_MONTHS["正负零"][0], ground]
            for node in self.policy.nodes[2:]:
                lo, hi = NODE_GAP_MONTHS[node.name]
                months.append(months[-1] + int(crng.integers(lo, hi + 1)))
            names = permit.buildings.split("、")
            firm = SUPERVISORS[int(crng.integers(len(SUPERVISORS)))]
            buildings = [(b, int(crng.integers(1, 29)), f"南通{firm}监理有限公司") for b in names]
            self.accounts[pidx] = Account(
                pidx,
                permit.permit_id,
                proj.project_id,
                proj.district,
                month,
                key,
                account_no,
                bank,
                months,
                buildings,
            )
        self._write(
            "escrow_agreement",
            f"escrow_agreement/预售资金监管协议_{month // 12}.csv",
            pl.DataFrame(rows, schema={h: pl.Utf8 for h in AGREEMENT_HEADERS}),
        )

    def write_truth(self, truth_dir: Path) -> int:
        schema = {c: pl.Float64 for c in ESCROW_TRUTH_COLUMNS}
        for c in ("permit_id", "project_id", "account_no", "period_month", "last_node"):
            schema[c] = pl.Utf8
        schema["contracts_signed"] = pl.Int64
        df = pl.DataFrame(self.truth, schema=schema).select(ESCROW_TRUTH_COLUMNS)
        df = df.sort("permit_id", "period_month")
        (truth_dir / "escrow_permits.csv").write_bytes(df.write_csv().encode("utf-8"))
        return len(df)

    # ---------- construction

    def stall(self, pidxs: list[int], after: int, months: int) -> None:
        """Postpone every node after 主体结构二分之一 that is still to come by `months`."""
        half = self.policy.node("主体结构二分之一").order
        for pidx in pidxs:
            acc = self.accounts[pidx]
            for k in range(half, len(acc.node_months)):
                if acc.node_months[k] > after:
                    acc.node_months[k] += months

    def reached(self, acc: Account, month: int) -> int:
        """Order of the last node reached by the end of `month` (0: none)."""
        return sum(1 for m in acc.node_months if m <= month)

    def _nodes_due(self, w: World, month: int) -> None:
        for acc in self.accounts.values():
            done = self.reached(acc, month)
            for k in range(acc.written, done):
                node = self.policy.nodes[k].name
                m = acc.node_months[k]
                for b, day, firm in acc.buildings:
                    self.construction[max(m, w.start)].append(
                        {
                            "预售许可证号": acc.permit_id,
                            "项目编号": acc.project_id,
                            "幢号": b,
                            "形象进度节点": node,
                            "达到日期": str(first_day(m) + np.timedelta64(day - 1, "D")),
                            "确认单位": firm,
                        }
                    )
            acc.written = max(acc.written, done)

    def flush_construction(self) -> None:
        for m in sorted(self.construction):
            df = pl.DataFrame(
                self.construction[m], schema={h: pl.Utf8 for h in CONSTRUCTION_HEADERS}
            ).sort("达到日期", "预售许可证号", "幢号")
            self._write("construction", f"construction/工程形象进度_{month_str(m)}.csv", df)
        self.construction.clear()

    # ---------- statements

    def month(self, w: World, month: int, contracts: pl.DataFrame) -> None:
        """Construction rows reached this month and every open account's statement."""
        self._nodes_due(w, month)
        s = w.store
        permit = s.permit[contracts["unit"].to_numpy()].astype(np.int64)
        df = contracts.with_columns(_permit=pl.Series(permit))
        new = df.filter(pl.col("status") != "已撤销")
        gone = df.filter(pl.col("status") == "已撤销")
        flows: dict[int, list[float]] = defaultdict(
            lambda: [0.0, 0.0, 0.0, 0.0]
        )  # dn, mt, full, rf
        for cid, p, total, pay in new.select(
            "contract_id", "_permit", "total_yuan", "payment"
        ).iter_rows():
            acc = self.accounts.get(p)
            n, amount = self.signed.get((p, month), (0, 0.0))
            self.signed[(p, month)] = (n + 1, amount + total)
            if acc is None or acc.closed:
                continue
            share = 1.0
            if acc.diverted is not None and acc.diverted[0] <= month <= acc.diverted[1]:
                share = 1.0 - ESCROW_DIVERTED_SHARE
            if pay in LOANS:
                down = float(round(total * ESCROW_DOWN_SHARE * share))
                loan = float(round(total * share)) - down
                flows[p][0] += down
                acc.mortgage[month + ESCROW_MORTGAGE_LAG_MONTHS] += loan
                self.deposited[cid] = down + loan
            else:
                full = float(round(total * share))
                flows[p][2] += full
                self.deposited[cid] = full
        for cid, p in gone.select("contract_id", "_permit").iter_rows():
            acc = self.accounts.get(p)
            if acc is not None and not acc.closed and cid in self.deposited:
                flows[p][3] += self.deposited.pop(cid)
        pending = self._pending_refunds(w, month)  # after this month's deposits are known
        for pidx, acc in self.accounts.items():
            if not acc.closed:
                self._statement(month, acc, flows.get(pidx, [0.0] * 4), pending.get(pidx, 0.0))

    def _pending_refunds(self, w: World, month: int) -> dict[int, float]:
        """Deposits of contracts already queued for a later cancellation, per permit."""
        out: dict[int, float] = defaultdict(float)
        frames = [f for m, fs in w.cancel_queue.items() if m > month for f in fs]
        if not frames:
            return out
        df = pl.concat(frames)
        units = df["unit"].to_numpy()
        for cid, p in zip(df["contract_id"].to_list(), w.store.permit[units].tolist(), strict=True):
            out[int(p)] += self.deposited.get(cid, 0.0)
        return out

    def _statement(self, month: int, acc: Account, flow: list[float], hold: float) -> None:
        down, _, full, refund = flow
        mortgage = acc.mortgage.pop(month, 0.0)
        deposits = down + mortgage + full
        acc.net += deposits - refund
        order = self.reached(acc, month)
        pct = self.policy.release_pct(order) / 100
        paid_pct = pct
        if acc.early and order == self.policy.node("主体结构二分之一").order:
            paid_pct = self.policy.release_pct(order + 1) / 100
        key_in = min(acc.key, max(acc.net, 0.0))
        opening = acc.balance
        cash = opening + deposits - refund
        # the bank releases up to the node's share of the key funds, never money held for refunds
        target = max(acc.released, float(round(min(acc.key * paid_pct, key_in))))
        release = max(0.0, min(target - acc.released, cash - hold))
        acc.released += release
        delivered = order >= len(self.policy.nodes)
        buffer = 0.0 if delivered else acc.key * ESCROW_BUFFER_SHARE
        kept = max(0.0, key_in - acc.released) + buffer + hold
        other = max(0.0, cash - release - kept)
        closing = cash - release - other
        acc.balance = closing
        self._write(
            "escrow_statement",
            f"escrow_statement/监管账户月报_{month_str(month)}.csv",
            pl.DataFrame(
                [
                    {
                        "监管账号": acc.account_no,
                        "监管银行": acc.bank,
                        "报告期": month_str(month),
                        "期初余额": f"{opening:.0f}",
                        "首付款入账": f"{down:.0f}",
                        "按揭放款入账": f"{mortgage:.0f}",
                        "一次性付款入账": f"{full:.0f}",
                        "重点监管资金拨付": f"{release:.0f}",
                        "一般监管资金使用": f"{other:.0f}",
                        "退房退款": f"{refund:.0f}",
                        "期末余额": f"{closing:.0f}",
                    }
                ],
                schema={h: pl.Utf8 for h in STATEMENT_HEADERS},
            ),
        )
        true_required = max(0.0, key_in - acc.key * pct)
        n, signed = self.signed.get((acc.pidx, month), (0, 0.0))
        self.truth.append(
            {
                "permit_id": acc.permit_id,
                "project_id": acc.project_id,
                "account_no": acc.account_no,
                "period_month": month_str(month) + "-01",
                "contracts_signed": n,
                "contract_signed_yuan": signed,
                "deposits_yuan": deposits,
                "refund_yuan": refund,
                "release_key_yuan": release,
                "withdrawal_other_yuan": other,
                "closing_balance_yuan": closing,
                "key_amount_yuan": acc.key,
                "net_deposits_to_date_yuan": acc.net,
                "releases_to_date_yuan": acc.released,
                "last_node": self.policy.nodes[order - 1].name if order else "",
                "release_cum_pct": pct * 100,
                "required_key_balance_yuan": true_required,
            }
        )
        if delivered and not acc.mortgage and hold == 0 and closing == 0:
            acc.closed = True


# ---------- planted events


def _busy(w: World) -> set[int]:
    """Permits already used by a planted escrow or construction event."""
    out: set[int] = set()
    for kind in ("escrow_diversion", "escrow_early_release", "construction_stall"):
        slot = w.events.get(kind)
        if slot is not None:
            out.update(slot.params.get("permits", ()))
    return out


def _postpone(w: World, kind: str, month: int, length: int) -> None:
    """No candidate this month: try next month, or leave the event out when it no longer fits."""
    slot = w.events[kind]
    if month + 1 + length - 1 > w.end:
        del w.events[kind]
    else:
        slot.first = month + 1
        slot.last = min(w.end, slot.first + length - 1)


def plant(w: World, month: int, book: EscrowBook) -> None:
    """Choose the permits of the planted escrow and construction events (new streams only)."""
    s = w.store
    slot = w.events.get("escrow_diversion")
    if slot is not None and "permits" not in slot.params and month == slot.first:
        length = slot.last - slot.first + 1
        best, score = None, 0.0
        for pidx, acc in book.accounts.items():
            if not month - 6 <= acc.issue_month <= month - 1 or pidx in _busy(w):
                continue
            sold = [book.signed.get((pidx, m), (0, 0.0))[0] for m in range(acc.issue_month, month)]
            mean = sum(sold) / len(sold)
            if mean > score:
                best, score = pidx, mean
        if best is None or score < 1:
            _postpone(w, "escrow_diversion", month, length)
        else:
            acc = book.accounts[best]
            acc.diverted = (slot.first, slot.last)
            _claim(w, slot, acc, [best])
            slot.magnitude = ESCROW_DIVERTED_SHARE * 100
    slot = w.events.get("escrow_early_release")
    if slot is not None and "permits" not in slot.params and month == slot.first:
        half = book.policy.node("主体结构二分之一").order
        best, score = None, 0.5
        for pidx, acc in book.accounts.items():
            if acc.node_months[half - 1] != month or pidx in _busy(w):
                continue
            funded = min(acc.key, acc.net) / acc.key if acc.key else 0.0
            if funded > score:
                best, score = pidx, funded
        if best is None:
            _postpone(w, "escrow_early_release", month, 2)
        else:
            acc = book.accounts[best]
            acc.early = True
            slot.first = month
            slot.last = min(w.end, acc.node_months[half] - 1)
            slot.params["extra"] = (slot.first, slot.last)
            _claim(w, slot, acc, [best])
    slot = w.events.get("construction_stall")
    if slot is not None and "project" not in slot.params and month == slot.first:
        _plant_stall(w, month, book, slot)
    stalled = w.events.get("construction_stall")
    if stalled is not None and "project" in stalled.params:
        for pidx, acc in book.accounts.items():
            if (
                s.permits[pidx].project == stalled.params["project"]
                and acc.issue_month == month
                and pidx not in stalled.params["permits"]
            ):
                book.stall([pidx], month, STALL_MONTHS)
                stalled.params["permits"].append(pidx)
                stalled.related_ids.append(acc.permit_id)


def _claim(w: World, slot, acc: Account, pidxs: list[int]) -> None:
    slot.params["permits"] = list(pidxs)
    slot.district = acc.district
    slot.entity_ids[:] = [acc.project_id]
    slot.related_ids[:] = [w.store.permits[p].permit_id for p in pidxs]


def _plant_stall(w: World, month: int, book: EscrowBook, slot) -> None:
    """A project whose buildings stop after 主体结构二分之一 while its permits keep selling."""
    s = w.store
    half = book.policy.node("主体结构二分之一").order
    busy = _busy(w)
    unsold = np.bincount(s.project[(s.status == 1) & (s.usage == 0)], minlength=len(s.projects))
    best, key = None, (False, 0)
    for pidx, acc in book.accounts.items():
        if book.reached(acc, month) != half or pidx in busy:
            continue
        proj = s.projects[s.permits[pidx].project]
        mine = [p for p in proj.permits if p in book.accounts]
        if any(p in busy for p in mine):
            continue
        cand = (month - proj.first_month >= 29, int(unsold[s.permits[pidx].project]))
        if cand[1] >= 12 and cand > key:
            best, key = s.permits[pidx].project, cand
    if best is None:
        if month + 12 > w.end:
            del w.events["construction_stall"]
        else:
            slot.first = month + 1
        return
    proj = s.projects[best]
    mine = [p for p in proj.permits if p in book.accounts]
    last = max(m for p in mine for m in book.accounts[p].node_months if m <= month)
    if last + 12 > w.end:
        del w.events["construction_stall"]
        return
    book.stall(mine, month, STALL_MONTHS)
    slot.params["project"] = best
    _claim(w, slot, book.accounts[mine[0]], mine)
    resume = min(
        (m for p in mine for m in book.accounts[p].node_months if m > month), default=w.end + 1
    )
    slot.first = last
    slot.last = min(w.end, resume - 1)
    slot.magnitude = float(min(resume, w.end + 1) - last)
    done = book.policy.node("竣工验收").order
    windows = []
    for p in mine:
        acc = book.accounts[p]
        first_late = acc.issue_month + PROMISED_DELIVERY_MONTHS + 1
        windows.append((first_late, min(w.end, acc.node_months[done - 1] - 1)))
    windows = [(a, b) for a, b in windows if a <= b]
    if windows:
        slot.params["extra"] = max(windows, key=lambda x: (x[1] - x[0], -x[0]))
