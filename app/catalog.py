"""zh/en strings for the dashboard and briefs: Chinese first, English beside (no i18n in Streamlit).

`t(key, lang)` looks a key up; a missing key raises, so a typo fails a test instead of showing
the key to an analyst. Strings may carry str.format fields: t("rows_shown", "zh", n=5).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("南通房地产市场监测", "Nantong housing-market monitor"),
    "language": ("语言 Language", "Language 语言"),
    "page_overview": ("总览", "Overview"),
    "page_new_homes": ("新房", "New homes"),
    "page_resale": ("二手房", "Second-hand"),
    "page_rental": ("租赁", "Rental"),
    "page_land": ("土地", "Land"),
    "page_credit": ("信贷", "Credit"),
    "page_supply": ("供应与库存", "Supply and stock"),
    "page_alerts": ("预警", "Alerts"),
    "page_assessment": ("考核", "Assessment"),
    "page_indices": ("指数方法", "Index methods"),
    "page_sql": ("SQL 工作台", "SQL workbench"),
    "page_status": ("数据状态", "Data status"),
    "section_market": ("市场", "Market"),
    "section_control": ("监管", "Regulation"),
    "section_data": ("数据", "Data"),
    "no_warehouse": (
        "尚未发布分析库：请先运行 housewatch build",
        "No published warehouse yet: run housewatch build",
    ),
    "published_at": ("数据版本（发布时间）", "Data version (published)"),
    # measures
    "new_home_index": ("新房价格指数", "New-home price index"),
    "resale_index": ("二手房价格指数", "Second-hand price index"),
    "rent_index": ("租金指数", "Rent index"),
    "index": ("指数", "Index"),
    "index_mom": ("环比（上月=100）", "Month on month (prev. = 100)"),
    "index_yoy": ("同比（上年同月=100）", "Year on year (prev. year = 100)"),
    "mom": ("环比", "m/m"),
    "yoy": ("同比", "y/y"),
    "new_home_units": ("新房成交套数", "New-home units sold"),
    "new_home_area": ("新房成交面积", "New-home area sold"),
    "new_home_price": ("新房成交均价", "New-home average price"),
    "resale_units": ("二手房成交套数", "Second-hand units sold"),
    "resale_price": ("二手房成交均价", "Second-hand average price"),
    "land_revenue": ("土地出让金", "Land revenue"),
    "parcels_sold": ("成交宗数", "Parcels sold"),
    "months_of_supply": ("去化周期（月）", "Months of supply"),
    "avg_price": ("成交均价（元/㎡）", "Average price (yuan/㎡)"),
    "units": ("套数", "Units"),
    "area": ("面积", "Area"),
    "amount": ("金额", "Amount"),
    "month": ("月份", "Month"),
    "district": ("区县", "District"),
    "count": ("数量", "Count"),
    "value": ("数值", "Value"),
    "series": ("系列", "Series"),
    "latest_month": ("最新月份", "Latest month"),
    # selectors
    "period_grain": ("周期", "Period"),
    "grain_month": ("月度", "Monthly"),
    "grain_quarter": ("季度", "Quarterly"),
    "grain_year": ("年度", "Yearly"),
    "geo_level": ("区域层级", "Geography"),
    "geo_city": ("全市", "City"),
    "geo_urban": ("市区", "Urban area"),
    "geo_district": ("区县", "District"),
    "geo_block": ("板块", "Block"),
    "geo_name": ("区域", "Area"),
    "from_period": ("起始", "From"),
    "band_size": ("面积段", "Size band"),
    "band_total_price": ("总价段", "Total-price band"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "index_vs_average": ("指数与均价对照", "Index beside the raw average"),
    "breakdown": ("分段结构", "Breakdown"),
    "table": ("明细表", "Table"),
    # overview
    "headline": ("核心指标", "Headline"),
    "alerts_by_level": ("预警分级统计（最新月）", "Alerts by level (latest month)"),
    "district_lights": ("区县信号灯", "District traffic lights"),
    "trends": ("趋势", "Trends"),
    "tile_map": ("区县分布（方块图）", "Districts (tile map)"),
    # alerts
    "level": ("等级", "Level"),
    "rule": ("规则", "Rule"),
    "period": ("期间", "Period"),
    "alerts_found": ("共 {n} 条预警", "{n} alerts"),
    "explanation": ("说明", "Explanation"),
    "threshold": ("阈值", "Threshold"),
    "observed": ("观测值", "Observed"),
    "history": ("历史", "History"),
    "evidence": ("证据明细", "Evidence"),
    "no_evidence": ("该预警无明细证据", "No evidence rows for this alert"),
    "choose_alert": ("选择预警", "Choose an alert"),
    "review": ("复核", "Review"),
    "review_status": ("状态", "Status"),
    "status_open": ("待处理", "Open"),
    "status_acknowledged": ("已确认", "Acknowledged"),
    "status_resolved": ("已办结", "Resolved"),
    "assignee": ("责任人", "Assignee"),
    "comment": ("意见", "Comment"),
    "reviewer": ("复核人", "Reviewer"),
    "save_review": ("保存复核", "Save review"),
    "acknowledge": ("确认预警", "Acknowledge"),
    "review_saved": ("复核已保存", "Review saved"),
    "review_history": ("复核记录", "Review history"),
    "no_reviews": ("暂无复核记录", "No reviews yet"),
    "months_running": ("持续月数", "Months running"),
    "entity": ("对象", "Entity"),
    # assessment
    "evaluation": ("季度评价", "Quarterly evaluation"),
    "assessment": ("年度考核", "Annual assessment"),
    "quarter": ("季度", "Quarter"),
    "year": ("年度", "Year"),
    "score": ("得分", "Score"),
    "health": ("健康度", "Health"),
    "items": ("考核项", "Items"),
    "passed": ("通过", "Passed"),
    "failed": ("未通过", "Failed"),
    # indices
    "market": ("市场", "Market"),
    "method": ("方法", "Method"),
    "band": ("分段", "Band"),
    "market_new_home": ("新房", "New homes"),
    "market_resale": ("二手房", "Second-hand"),
    "market_rent": ("租赁", "Rental"),
    "diagnostics": ("诊断（样本量、插补）", "Diagnostics (sample size, imputed)"),
    "vintages": ("版本与修订", "Vintages and revisions"),
    "headline_method": ("发布口径", "Headline method"),
    # sql
    "schema_browser": ("表结构浏览", "Schema browser"),
    "query": ("查询", "Query"),
    "run": ("运行", "Run"),
    "rows_shown": ("返回 {n} 行（上限 {limit} 行）", "{n} rows (limit {limit})"),
    "sql_privacy": (
        "买受人、出卖人等身份均在入库时以 HMAC 密钥散列为假名，本库不含任何证件号或姓名。"
        "查询为只读连接，禁止访问外部文件，配置已锁定，并有行数与超时限制。",
        "Buyer and seller identities are HMAC pseudonyms made on the way in: no ID number or "
        "name is stored. Queries run read-only, without external file access, with locked "
        "configuration, a row limit and a timeout.",
    ),
    # status
    "ledger": ("批次台账", "Batch ledger"),
    "freshness": ("各数据源时效", "Freshness per source"),
    "data_gaps": (
        "数据缺口（本期未收到的数据源及受影响指标）",
        "Data gaps: sources missing and what they leave out",
    ),
    "no_data_gaps": ("最新月份各数据源均已交付", "Every source delivered in the latest month"),
    "data_checks": ("数据检验提示（已照常发布）", "Data checks that found rows (published anyway)"),
    "quarantine": ("隔离记录", "Quarantine"),
    "last_build": ("最近构建与发布", "Last build and publish"),
    "status_as_of_build": (
        "以下为最近一次构建时的数据状态；此后载入的文件在下次构建后显示",
        "As of the last build; files loaded since then appear after the next build",
    ),
    "no_batches": ("尚无载入批次", "No file loaded yet"),
    "source": ("数据源", "Source"),
}


def t(key: str, lang: str = "zh", **fields: object) -> str:
    """The string for `key` in `lang` (zh unless 'en'), with str.format fields filled in."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fields) if fields else text


def pick(zh: str | None, en: str | None, lang: str = "zh") -> str:
    """Choose between a warehouse's own zh/en column pair (e.g. rule_name_zh / rule_name_en)."""
    chosen = en if lang == "en" else zh
    return chosen if chosen else (zh or en or "")
