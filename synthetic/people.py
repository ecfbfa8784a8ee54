"""Fake personal data derived from a person number: 身份证号, names, phones.

A person is an integer; every attribute is a hash of (seed, person), so the same buyer shows the
same ID, name and phone in every file without storing anything. ID numbers have the real
structure (area code, birth date, sequence, ISO 7064 MOD 11-2 check digit) but are fictitious.
"""

from __future__ import annotations

import numpy as np
import polars as pl

_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严武戴莫孔向汤季缪瞿施葛"
)
_GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅鹏辉建国志宏新文斌宇浩凯健俊峰"
    "晨欣怡婷雪琳佳颖子涵梓轩思雨博文嘉诚天佑晓东海燕春雷云飞金龙永利德胜"
)
# 本地 area codes, incl. retired ones (通州市 320683, 港闸 320611, 海门市 320684, 海安县 320621).
_LOCAL_AREAS = np.array(
    [320602, 320611, 320612, 320683, 320684, 320623, 320681, 320682, 320621, 320685], dtype=np.int64
)
_OTHER_AREAS = np.array(
    [
        320102,
        320211,
        320583,
        321002,
        321281,
        320902,
        340102,
        341221,
        342201,
        410102,
        412326,
        370102,
        510107,
        310104,
        330106,
        360102,
        430103,
        420106,
        130102,
        230103,
    ],
    dtype=np.int64,
)
_CHECK = np.array(list("10X98765432"))
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_PHONE_PREFIX = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        155,
        157,
        158,
        159,
        166,
        177,
        180,
        181,
        182,
        183,
        186,
        187,
        188,
        189,
        198,
        199,
    ],
    dtype=np.int64,
)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on uint64 (wrapping arithmetic is intended)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _hash(persons: np.ndarray, seed: int, salt: int) -> np.ndarray:
    x = persons.astype(np.uint64) * np.uint64(1000003) + np.uint64((seed * 31 + salt) & 0xFFFFFFFF)
    return _mix(_mix(x))


def is_local(persons: np.ndarray, seed: int) -> np.ndarray:
    """About three buyers in four hold a Nantong hukou."""
    return (_hash(persons, seed, 1) % np.uint64(100)) < np.uint64(76)


def id_numbers(persons: np.ndarray, seed: int) -> pl.Series:
    """18-character ID numbers with a valid check digit."""
    h = _hash(persons, seed, 2)
    local = is_local(persons, seed)
    area = np.where(
        local,
        _LOCAL_AREAS[(h % np.uint64(len(_LOCAL_AREAS))).astype(np.int64)],
        _OTHER_AREAS[((h >> np.uint64(8)) % np.uint64(len(_OTHER_AREAS))).astype(np.int64)],
    )
    year = 1955 + ((h >> np.uint64(16)) % np.uint64(46)).astype(np.int64)
    month = 1 + ((h >> np.uint64(24)) % np.uint64(12)).astype(np.int64)
    day = 1 + ((h >> np.uint64(32)) % np.uint64(28)).astype(np.int64)
    seq = ((h >> np.uint64(40)) % np.uint64(1000)).astype(np.int64)
    body = ((area * 10000 + year) * 100 + month) * 100 + day
    body = body * 1000 + seq  # 17 digits
    total = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    for pos in range(16, -1, -1):
        total += (rest % 10) * _WEIGHTS[pos]
        rest //= 10
    check = _CHECK[total % 11]
    return pl.Series(body).cast(pl.Utf8) + pl.Series(check)


def names(persons: np.ndarray, seed: int) -> pl.Series:
    h = _hash(persons, seed, 3)
    sur = pl.Series(_SURNAMES).gather((h % np.uint64(len(_SURNAMES))).astype(np.int64))
    g1 = pl.Series(_GIVEN).gather(((h >> np.uint64(12)) % np.uint64(len(_GIVEN))).astype(np.int64))
    g2 = pl.Series(_GIVEN).gather(((h >> np.uint64(24)) % np.uint64(len(_GIVEN))).astype(np.int64))
    two = ((h >> np.uint64(36)) % np.uint64(10)) < np.uint64(7)
    return sur + g1 + pl.Series(np.where(two, g2.to_numpy(), ""))


def phones(persons: np.ndarray, seed: int) -> pl.Series:
    h = _hash(persons, seed, 4)
    prefix = _PHONE_PREFIX[(h % np.uint64(len(_PHONE_PREFIX))).astype(np.int64)]
    rest = ((h >> np.uint64(8)) % np.uint64(100_000_000)).astype(np.int64)
    return pl.Series(prefix * 100_000_000 + rest).cast(pl.Utf8)
