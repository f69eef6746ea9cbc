"""Valid-looking, made-up identities for demo data: ID numbers that pass the
GB 11643-1999 check, credit codes that pass GB 32100-2015, Chinese names."""

import random
from datetime import date, timedelta

from lms.auth.national_id import check_character as id_check
from lms.regions.credit_code import ALPHABET
from lms.regions.credit_code import check_character as code_check

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "秀英桂兰玉梅凤霞丽华红芳建国志强文明海燕春生秋菊晓东丽娟淑珍保平振华永刚立新淑芬桂芝俊杰雪梅金凤德胜宝山翠花建军秀云"


def fake_name(rng: random.Random) -> str:
    """A plausible two- or three-character name."""
    given_len = 1 if rng.random() < 0.3 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def fake_id_number(rng: random.Random, address_code: str, *, born_from: int = 1962,
                   born_to: int = 1998, sex: str | None = None) -> str:
    """An 18-character resident ID number with a valid date and check character."""
    start = date(born_from, 1, 1)
    born = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days))
    sequence = rng.randrange(1, 999)
    if sex == "M" and sequence % 2 == 0 or sex == "F" and sequence % 2 == 1:
        sequence = sequence + 1 if sequence < 998 else sequence - 1
    first17 = f"{address_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check(first17)


def fake_credit_code(rng: random.Random, division_code: str) -> str:
    """A unified social credit code for a civil-affairs registered body (52…)."""
    organisation = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGH") for _ in range(9))
    first17 = f"52{division_code}{organisation}"
    return first17 + code_check(first17)


def fake_mobile(rng: random.Random) -> str:
    return rng.choice(["139", "138", "137", "150", "151", "186", "187", "177"]) + \
        f"{rng.randrange(10**8):08d}"
