"""Random parcels, YAML documents and byte strings, driven by a `random.Random`.

Shared by the hypothesis properties (which hand in `st.randoms()`, so failures shrink and replay)
and by benchmarks/fuzz.py (which hands in `random.Random(seed)` for long, repeatable runs).
Nothing here knows what the answer should be: the generators only aim at the places where a
reader or an evaluator could crash, lose a location, or change its mind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# --- values a parcel file may hold, per fact (every fact of facts.fact_names() has one)

_CODES_GBT = ["0601", "061", "06", "0604", "0501", "0701", "1201"]
_CODES_YDYH = ["1001", "100101", "100102", "100103", "10", "1101", "0701"]
_CLASSES = ["M", "M0", "M1", "M2", "M3", "M4", "W1", "B1", "R2"]
_WORKS = [
    "expand_production_buildings",
    "new_multistorey_factory",
    "extend_multistorey_factory",
    "rebuild_multistorey_factory",
    "in_situ_rebuild_or_extension",
    "other_buildings",
    "新建多层厂房",
]
_STATUS = ["given", "refused", "not_stated", "已取得", "不符合"]


def number(rng: random.Random, *, zero: bool = False) -> str:
    """A valid plain decimal, as text: small and large, integral and fractional."""
    if zero and rng.random() < 0.15:
        return "0"
    whole = rng.choice([rng.randint(1, 9), rng.randint(1, 999), rng.randint(1000, 99_999_999)])
    if rng.random() < 0.4:
        return f"{whole}.{rng.randint(0, 99):02d}"
    return str(whole)


def ratio(rng: random.Random) -> str:
    return rng.choice(
        ["0.5", "0.8", "1", "1.0", "1.2", "1.5", "2.0", "3.25", str(rng.randint(1, 9))]
    )


def land_use(rng: random.Random) -> dict[str, str]:
    use: dict[str, str] = {}
    if rng.random() < 0.7:
        use["gbt21010"] = rng.choice(_CODES_GBT)
    if rng.random() < 0.5:
        use["planning_class"] = rng.choice(_CLASSES)
    if rng.random() < 0.3:
        use["ydyh"] = rng.choice(_CODES_YDYH)
    if not use or rng.random() < 0.3:
        use["text"] = rng.choice(["工业用地", "仓储用地", "商业用地"])
    return use


def approval(rng: random.Random) -> dict[str, str]:
    found = {"status": rng.choice(_STATUS)}
    if rng.random() < 0.5:
        found["document"] = rng.choice(["建字第330282202400123号", "慈环建〔2024〕12号"])
    if rng.random() < 0.3:
        found["date"] = rng.choice(["2024-03-01", "2019-06-25"])
    return found


def split(rng: random.Random) -> dict[str, str]:
    return {"production_m2": number(rng, zero=True), "non_production_m2": number(rng, zero=True)}


def buildings(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "use": rng.choice(["production", "non_production", "生产性"]),
            "floors": [
                {
                    "area_m2": number(rng),
                    "change": rng.choice(["existing", "added", "removed"]),
                    **(
                        {"storey_height_m": rng.choice(["4.5", "8", "9"])}
                        if rng.random() < 0.6
                        else {}
                    ),
                }
                for _ in range(rng.randint(1, 3))
            ],
        }
        for _ in range(rng.randint(1, 2))
    ]


FACTS: dict[str, Callable[[random.Random], Any]] = {
    "parcel.code": lambda r: r.choice(["330282012003GB00123", "A1"]),
    "parcel.name": lambda r: "宁波某某机械有限公司厂区",
    "parcel.location": lambda r: "慈溪市某某镇某某路88号",
    "parcel.holder": lambda r: "宁波某某机械有限公司",
    "parcel.land_area_m2": number,
    "parcel.land_area": lambda r: r.choice(["30亩", "2公顷", "1.5亩", "20000m²", "7 亩"]),
    "parcel.land_supply": lambda r: r.choice(["existing", "newly_supplied", "新增"]),
    "parcel.land_tenure": lambda r: r.choice(["granted", "allocated", "other", "划拨"]),
    "land_use.current": land_use,
    "land_use.proposed": land_use,
    "land_use.planned": land_use,
    "near_term_plan.redevelopment_scheduled": lambda r: r.choice(["yes", "no", "是", "否"]),
    "near_term_plan.plan": lambda r: "慈溪市近期建设规划（2021—2025年）",
    "project.kind": lambda r: r.choice(["technical_renovation", "other", "技改"]),
    "project.works": lambda r: r.sample(_WORKS, r.randint(1, 3)),
    "project.description": lambda r: "新建4层厂房一幢",
    "floor_area.before.production_m2": lambda r: number(r, zero=True),
    "floor_area.before.non_production_m2": lambda r: number(r, zero=True),
    "floor_area.after.production_m2": lambda r: number(r, zero=True),
    "floor_area.after.non_production_m2": lambda r: number(r, zero=True),
    "buildings": buildings,
    "approvals.urban_rural_planning": approval,
    "approvals.environmental": approval,
    "approvals.relevant_rules": approval,
    "approvals.factory_floor_area": approval,
    "approvals.other": lambda r: [{"name": "安全评价", **approval(r)}],
    "new_land.plot_ratio_indicator": ratio,
    "new_land.plot_ratio_range.min": lambda r: r.choice(["0.5", "1.0", "1.2"]),
    "new_land.plot_ratio_range.max": lambda r: r.choice(["1.5", "2.0", "3.0"]),
    "new_land.approved_factory_floor_area_m2": number,
    "application_date": lambda r: r.choice(
        ["2024-05-06", "2019-06-25", "2016-01-01", "2010-03-01"]
    ),
}

# Facts that only one of two spellings may carry (the model refuses both at once).
EXCLUSIVE = [("floor_area.", "buildings"), ("parcel.land_area_m2", "parcel.land_area")]


def put(data: dict[str, Any], name: str, value: Any) -> None:
    """Set a dotted fact in nested parcel data."""
    *parents, leaf = name.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def present(data: dict[str, Any], name: str) -> bool:
    node: Any = data
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def clashes(data: dict[str, Any], name: str) -> bool:
    """Whether adding `name` would give a fact in both of its exclusive spellings."""
    for a, b in EXCLUSIVE:
        for mine, other in ((a, b), (b, a)):
            if name.startswith(mine) and any(
                present(data, f) for f in FACTS if f.startswith(other)
            ):
                return True
    return False


def parcel_data(rng: random.Random, density: float | None = None) -> dict[str, Any]:
    """A valid parcel record with a random subset of its facts stated."""
    keep = rng.random() if density is None else density
    data: dict[str, Any] = {"schema_version": "1"}
    for name in rng.sample(list(FACTS), len(FACTS)):
        if rng.random() < keep and not clashes(data, name):
            put(data, name, FACTS[name](rng))
    return data


# --- faults: what people and attackers put in parcel files

_BAD_SCALARS = [
    "12,000",
    "１２０００",
    "1_000",
    ".inf",
    "-.inf",
    ".nan",
    "nan",
    "-5",
    "0",
    "1e4",
    "1e400",
    "31000㎡",
    "30亩",
    "2万",
    "一万",
    "",
    " ",
    "0601",
    "601",
    "０６０１",
    "yes",
    "on",
    "NO",
    "~",
    "2019-02-30",
    "2024/05/06",
    "12:30",
    "\u202e",
    "x" * 600,
    "[",
    "{",
    "*a",
    "&a",
    "!!int 5",
    "M5",
    "granted ",
    "Granted",
    "grnted",
    "- x",
    "'",
    '"',
    "#",
    "\t",
    "\\",
    "\u3000",
    "0x1F",
]
_BAD_KEYS = ["land_area", "aera_m2", "Land_Area_M2", "<<", "null", "~", "", "0601", "面积", "a b"]


def _walk(node: Any, rng: random.Random) -> tuple[Any, Any] | None:
    """A random (container, key-or-index) inside `node`, or None for a leaf-less node."""
    spots: list[tuple[Any, Any]] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            for k, v in cur.items():
                spots.append((cur, k))
                stack.append(v)
        elif isinstance(cur, list):
            for i, v in enumerate(cur):
                spots.append((cur, i))
                stack.append(v)
    return rng.choice(spots) if spots else None


def mutate(rng: random.Random, data: dict[str, Any], times: int | None = None) -> Any:
    """Damage a parcel record in 1–3 places: wrong types, bad text, unknown keys, deletions."""
    for _ in range(rng.randint(1, 3) if times is None else times):
        spot = _walk(data, rng)
        if spot is None:
            return data
        container, key = spot
        roll = rng.random()
        if roll < 0.45:
            container[key] = rng.choice(_BAD_SCALARS)
        elif roll < 0.6:
            container[key] = rng.choice([None, [], {}, ["a"], {"a": "b"}, [["x"]]])
        elif roll < 0.75 and isinstance(container, dict):
            container[rng.choice(_BAD_KEYS)] = container.pop(key)
        elif roll < 0.85:
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        elif roll < 0.95 and isinstance(container, dict):
            container[rng.choice(_BAD_KEYS)] = rng.choice(_BAD_SCALARS)
        else:
            return rng.choice([[data], "just text", None, data])
    return data


# --- YAML text and bytes

_TOKENS = [
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    ",",
    "-",
    "- ",
    "?",
    "&a",
    "*a",
    "!!int",
    "!",
    "!!python/name:os.system",
    "'",
    '"',
    "#",
    "|",
    ">",
    "---",
    "...",
    "%YAML 1.1\n",
    "%TAG !p! tag:x,2000:\n",
    "\n",
    "  ",
    "a",
    "0601",
    "某",
    "\\",
    "<<",
    "parcel",
    "land_area_m2",
    "schema_version",
    '"1"',
    "\t",
    "\r\n",
    "\ufeff",
    "\x85",
    "\u2028",
    "\x00",
    "１",
    "：",
    "\u3000",
]


def to_yaml(rng: random.Random, data: Any) -> str:
    """`data` as YAML in a random but faithful style (block or flow, quoted or plain)."""
    style = rng.choice([None, False, True])
    width = 100_000  # narrower widths fold long plain values, which the loader refuses on purpose
    text = yaml.safe_dump(
        data,
        allow_unicode=rng.random() < 0.8,
        default_flow_style=style,
        width=width,
        sort_keys=rng.random() < 0.5,
    )
    return text.replace("\n", "\r\n") if rng.random() < 0.1 else text


def token_soup(rng: random.Random) -> str:
    return "".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 60)))


def damage_text(rng: random.Random, text: str) -> str:
    """Splice YAML tokens into good text: anchors, tags, tabs, duplicate lines, odd breaks."""
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(text))
        roll = rng.random()
        if roll < 0.5:
            text = text[:at] + rng.choice(_TOKENS) + text[at:]
        elif roll < 0.7:
            lines = text.splitlines(keepends=True)
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i])  # a duplicate key, usually
                text = "".join(lines)
        else:
            end = min(len(text), at + rng.randint(1, 20))
            text = text[:at] + text[end:]
    return text


def damage_bytes(rng: random.Random, raw: bytes) -> bytes:
    """Flip, insert and delete bytes; or re-encode in a legacy encoding."""
    roll = rng.random()
    if roll < 0.15:
        try:
            return raw.decode("utf-8").encode(rng.choice(["gbk", "gb18030", "utf-16-le", "utf-16"]))
        except (UnicodeDecodeError, UnicodeEncodeError):
            return raw
    data = bytearray(raw)
    for _ in range(rng.randint(1, 8)):
        if not data:
            data.extend(rng.randbytes(4))
            continue
        at = rng.randrange(len(data))
        op = rng.random()
        if op < 0.4:
            data[at] = rng.randrange(256)
        elif op < 0.7:
            data[at:at] = rng.randbytes(rng.randint(1, 4))
        else:
            del data[at : at + rng.randint(1, 8)]
    return bytes(data)


def example_bytes(rng: random.Random) -> bytes:
    return rng.choice(EXAMPLES).read_bytes()


def any_input(rng: random.Random) -> bytes:
    """One input for the whole pipeline, from one of several families (see benchmarks/fuzz.py)."""
    family = rng.randrange(6)
    if family == 0:
        return to_yaml(rng, parcel_data(rng)).encode("utf-8")
    if family == 1:
        return to_yaml(rng, mutate(rng, parcel_data(rng))).encode("utf-8")
    if family == 2:
        return damage_text(rng, to_yaml(rng, parcel_data(rng))).encode("utf-8", "surrogatepass")
    if family == 3:
        return token_soup(rng).encode("utf-8", "surrogatepass")
    if family == 4:
        return damage_bytes(rng, example_bytes(rng))
    return rng.randbytes(rng.randint(0, 300))


# --- the whole pipeline a user can reach with one file


def run_pipeline(pack: Any, raw: bytes, name: str = "fuzz.yaml", *, text: bool = False) -> Any:
    """Bytes -> decode -> load -> validate -> evaluate -> JSON (and the text tree if asked).

    Returns the verdict as plain data, or the list of Problems the input was refused with.
    Any other exception is a bug and propagates.
    """
    import json

    from landrules import yamlio
    from landrules.api import check_parcel, parcel_from_document
    from landrules.problems import InputError
    from landrules.report.data import verdict_data

    try:
        parcel = parcel_from_document(yamlio.load_bytes(raw, name, keep_going=True))
    except InputError as err:
        return err.problems
    verdict = check_parcel(pack, parcel, name)
    data = verdict_data(verdict)
    json.dumps(data, ensure_ascii=False)
    if text:
        import io

        from landrules.report.text import make_console, print_verdicts

        print_verdicts([verdict], make_console(io.StringIO()))
    return data


def unlocated(problems: list[Any], name: str) -> list[Any]:
    """The problems that do not name the file, a line and a column, a code and a message."""
    return [
        p
        for p in problems
        if p.path != name or p.line < 1 or p.col < 1 or not p.code or not p.message
    ]
