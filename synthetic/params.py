"""Market magnitudes for the synthetic Nantong market (DOMAIN.md §7, all estimates).

Kept as plain data so a reviewer can check every number against the domain notes in one place.
District codes and block names come from ingest/geography/320600.yml; only generator-specific
levels (prices, shares, growth) live here, keyed by those codes.
"""

from __future__ import annotations

# fmt: off

# Price levels at the 2021 peak (元/㎡; rent 元/㎡·月; land = floor price 元/㎡).
PEAK_LEVEL: dict[str, dict[str, float]] = {
    "new_home": {
        "320602": 28500, "320600K01": 22000, "320612": 16800, "320614": 18000,
        "320600K02": 19000, "320600K03": 10500, "320623": 11200, "320681": 14800,
        "320682": 12500, "320685": 12500,
    },
    "resale": {
        "320602": 27000, "320600K01": 21500, "320612": 13500, "320614": 13500,
        "320600K02": 14000, "320600K03": 8500, "320623": 9000, "320681": 10500,
        "320682": 10000, "320685": 10000,
    },
    "rent": {
        "320602": 35, "320600K01": 29, "320612": 22, "320614": 22, "320600K02": 24,
        "320600K03": 16, "320623": 15, "320681": 17, "320682": 16, "320685": 16,
    },
    "land": {
        "320602": 17500, "320600K01": 12500, "320612": 7500, "320614": 7000,
        "320600K02": 7000, "320600K03": 3600, "320623": 4400, "320681": 6000,
        "320682": 5200, "320685": 5200,
    },
}

# Block price factors where a district is not homogeneous (former 港闸 inside 崇川, 紫琅湖 premium).
BLOCK_FACTOR: dict[str, float] = {
    "濠河": 1.06, "虹桥": 1.0, "观音山": 0.96, "任港": 0.98, "狼山": 0.95,
    "唐闸": 0.74, "永兴": 0.76, "陈桥": 0.72, "秦灶": 0.75, "幸福": 0.73,
    "中央创新区": 1.12, "新城": 1.02, "小海": 0.92, "竹行": 0.9, "中兴": 0.94,
}
# Blocks of the former 港闸区 (merged into 崇川 2020): older files still name 港闸区.
GANGZHA_BLOCKS = ("唐闸", "永兴", "陈桥", "秦灶", "幸福")

# Monthly log-growth in percent, piecewise constant from each breakpoint month.
GROWTH: dict[str, list[tuple[str, float]]] = {
    "new_home": [
        ("2000-01", 0.2), ("2016-01", 0.55), ("2018-01", 0.45), ("2019-01", 0.35),
        ("2020-01", 0.3), ("2020-07", 0.4), ("2021-01", 0.75), ("2021-07", 0.15),
        ("2021-10", -0.1), ("2022-01", -0.3), ("2023-01", -0.45), ("2025-01", -0.08),
    ],
    "resale": [
        ("2000-01", 0.2), ("2016-01", 0.6), ("2017-01", 0.75), ("2018-01", 0.45),
        ("2019-01", 0.3), ("2020-01", 0.35), ("2021-01", 0.8), ("2021-07", -0.2),
        ("2022-01", -0.6), ("2023-01", -0.75), ("2024-01", -0.7), ("2025-01", -0.15),
    ],
    "rent": [
        ("2000-01", 0.15), ("2016-01", 0.3), ("2018-01", 0.25), ("2020-01", 0.0),
        ("2021-01", 0.25), ("2022-01", -0.1), ("2023-01", -0.2), ("2025-01", -0.05),
    ],
    "land": [
        ("2000-01", 0.2), ("2016-01", 0.9), ("2018-01", 0.5), ("2019-01", 0.4),
        ("2020-01", 0.6), ("2021-01", 1.0), ("2021-07", -0.5), ("2022-01", -0.9),
        ("2023-01", -0.8), ("2024-01", -0.6), ("2025-01", -0.2),
    ],
}
# How strongly each district follows the city cycle (core moves more, counties less).
GROWTH_MULT: dict[str, float] = {
    "320602": 1.1, "320600K01": 1.05, "320612": 1.0, "320614": 0.95, "320600K02": 1.05,
    "320600K03": 0.8, "320623": 0.85, "320681": 0.9, "320682": 0.85, "320685": 0.9,
}

# Annual city volumes at scale 1 (residential contracts; land parcels offered).
ANNUAL: dict[str, dict[int, float]] = {
    "new_home": {2016: 52000, 2017: 58000, 2018: 56000, 2019: 55000, 2020: 52000,
                 2021: 40000, 2022: 28000, 2023: 22000, 2024: 20000, 2025: 19500},
    "resale": {2016: 21000, 2017: 27000, 2018: 24000, 2019: 25000, 2020: 26000,
               2021: 29000, 2022: 21000, 2023: 27000, 2024: 28000, 2025: 26000},
    "rental": {2016: 14000, 2017: 15000, 2018: 16500, 2019: 18000, 2020: 18000,
               2021: 20000, 2022: 21000, 2023: 22500, 2024: 24000, 2025: 25000},
    "land": {2016: 100, 2017: 125, 2018: 115, 2019: 120, 2020: 130,
             2021: 120, 2022: 90, 2023: 80, 2024: 75, 2025: 75},
}
SHARE: dict[str, dict[str, float]] = {
    "new_home": {"320602": .22, "320600K01": .10, "320612": .13, "320614": .11,
                 "320600K02": .04, "320600K03": .03, "320623": .08, "320681": .10,
                 "320682": .10, "320685": .09},
    "resale": {"320602": .33, "320600K01": .10, "320612": .12, "320614": .09,
               "320600K02": .02, "320600K03": .01, "320623": .07, "320681": .08,
               "320682": .10, "320685": .08},
    "rental": {"320602": .40, "320600K01": .14, "320612": .10, "320614": .07,
               "320600K02": .03, "320600K03": .01, "320623": .05, "320681": .06,
               "320682": .08, "320685": .06},
    "land": {"320602": .12, "320600K01": .10, "320612": .14, "320614": .12,
             "320600K02": .06, "320600K03": .08, "320623": .09, "320681": .10,
             "320682": .10, "320685": .09},
}

# Seasonality (Jan..Dec): Spring Festival dip, 金九银十, year-end push; rentals peak after the
# festival and at graduation.
SEASON_SALES = (0.80, 0.50, 0.90, 0.95, 1.00, 1.10, 0.92, 0.92, 1.25, 1.20, 1.05, 1.30)
SEASON_RENT = (0.80, 1.10, 1.30, 1.00, 0.90, 1.00, 1.20, 1.20, 1.00, 0.85, 0.80, 0.80)

# Target months of supply by year, urban area (市区) and counties (县市).
MOS_TARGET_URBAN = {2016: 12, 2017: 11, 2018: 12, 2019: 12, 2020: 11, 2021: 10,
                    2022: 15, 2023: 20, 2024: 22, 2025: 21}
MOS_TARGET_COUNTY = {2016: 16, 2017: 15, 2018: 16, 2019: 16, 2020: 15, 2021: 15,
                     2022: 20, 2023: 24, 2024: 26, 2025: 25}

# New-home size mixture (share, low, high ㎡): ≤90 ≈10%, 90–144 ≈72%, >144 ≈18%.
SIZE_BANDS_NEW = ((0.10, 68.0, 90.0), (0.72, 90.1, 144.0), (0.18, 144.1, 196.0))
SIZE_BANDS_OLD = ((0.32, 45.0, 90.0), (0.58, 90.1, 144.0), (0.10, 144.1, 200.0))
NON_RES_SHARE = 0.04          # 车位/商业 rows among new-home contracts
CANCEL_SHARE = 0.03           # contracts cancelled one to four months later
RESIGN_SHARE = 0.7            # cancelled units re-signed by another buyer within two months
DIRTY_SHARE = 0.015           # of new_home / resale / rental rows
SURGE_GUARD = 1.4             # unplanted monthly volume stays under 1.4x its trailing 12-month mean
OLD_STOCK_UNITS = 80000       # second-hand pool (older communities) at scale 1
FILED_HEADROOM = (1.04, 1.08)  # developers file above their expected price
CONTRACT_CLIP = (0.87, 0.999)  # contracts stay within [87%, 99.9%] of filed unless planted

# Concentration caps (DOMAIN.md §6): tier -> (RE-loan share, personal-housing share).
BANK_CAPS = {1: (0.40, 0.325), 2: (0.275, 0.20), 3: (0.225, 0.175), 4: (0.175, 0.125),
             5: (0.125, 0.075)}
# (institution_id, name, tier, category, loans 亿元 in 2016, mortgage market share)
BANKS: tuple[tuple[str, str, int, str, float, float], ...] = (
    ("B001", "中国工商银行南通分行", 1, "大型国有商业银行", 1450, 0.13),
    ("B002", "中国农业银行南通分行", 1, "大型国有商业银行", 1300, 0.12),
    ("B003", "中国银行南通分行", 1, "大型国有商业银行", 1050, 0.10),
    ("B004", "中国建设银行南通分行", 1, "大型国有商业银行", 1250, 0.13),
    ("B005", "交通银行南通分行", 1, "大型国有商业银行", 480, 0.05),
    ("B006", "中国邮政储蓄银行南通分行", 1, "大型国有商业银行", 420, 0.06),
    ("B007", "招商银行南通分行", 2, "股份制商业银行", 330, 0.05),
    ("B008", "兴业银行南通分行", 2, "股份制商业银行", 300, 0.05),
    ("B009", "浦发银行南通分行", 2, "股份制商业银行", 260, 0.03),
    ("B010", "中信银行南通分行", 2, "股份制商业银行", 240, 0.03),
    ("B011", "民生银行南通分行", 2, "股份制商业银行", 190, 0.02),
    ("B012", "江苏银行南通分行", 3, "城市商业银行", 520, 0.06),
    ("B013", "南京银行南通分行", 3, "城市商业银行", 310, 0.03),
    ("B014", "江南农村商业银行南通分行", 3, "城区农村商业银行", 260, 0.03),
    ("B015", "南通农村商业银行", 3, "城区农村商业银行", 380, 0.04),
    ("B016", "如东农村商业银行", 4, "县域农村商业银行", 210, 0.02),
    ("B017", "启东农村商业银行", 4, "县域农村商业银行", 190, 0.02),
    ("B018", "海安农村商业银行", 4, "县域农村商业银行", 200, 0.02),
    ("B019", "如皋润银村镇银行", 5, "村镇银行", 22, 0.004),
    ("B020", "启东珠江村镇银行", 5, "村镇银行", 18, 0.003),
    ("B021", "海门民生村镇银行", 5, "村镇银行", 15, 0.003),
)
PF_CENTRE = ("GJJ3206", "南通市住房公积金管理中心")


# Presale-fund supervision (预售资金监管): generator behaviour, not policy (the release shares,
# node gaps allowed and cost standards are read from the dbt seeds by synthetic/policy.py).
ESCROW_DOWN_SHARE = 0.30        # down payment of a loan-financed contract, paid in the sign month
# months from signing to the loan's disbursement into the account: banks take a few weeks, so the
# loan arrives the month after; the warehouse's 收存率 judges a month's contracts once their loans
# are in (int_escrow__permit_months), so the lag raises no false shortfall
ESCROW_MORTGAGE_LAG_MONTHS = 1
ESCROW_BUFFER_SHARE = 0.02      # of the key amount, left above the required key funds
ESCROW_DIVERTED_SHARE = 0.5     # planted diversion: share of buyers' payments sent elsewhere
PROMISED_DELIVERY_MONTHS = 30   # promised delivery: issue month + 30 months
# Months from the previous node (正负零: before the permit's issue month), each range strictly
# under the seed's max_months_to_next of the node before it (checked when the policy loads).
NODE_GAP_MONTHS = {"正负零": (3, 3), "主体结构二分之一": (4, 5), "主体封顶": (4, 5),
                   "竣工验收": (8, 10), "交付": (3, 4)}
# planted stall: the node after 主体结构二分之一 comes 19 months late, so the promised delivery
# date passes 3+ months before 竣工验收 (delivery_overdue red)
STALL_MONTHS = 19
# Developer groups' balance sheets (重点房企资金监测): targets of the three ratios per tier.
DEV_ASSETS_YUAN = (2e10, 5e11)
DEV_YELLOW_EVERY = 6            # about one developer in six is a stable 黄档 (one line breached)
# fmt: on
