"""Responsible units: split 牵头/责任/配合 lists, expand abbreviations, recognise unit names."""

from __future__ import annotations

import re

PLACE_CHARS = "省市县区州旗盟"
# endings of organisation or place names; longest first so 委员会 wins over 会
ORG_SUFFIXES = tuple(
    sorted(
        {
            "人民政府", "政府", "联席会议", "办公厅", "办公室", "委员会", "管委会", "领导小组", "工作组", "小组", "党工委", "工委",
            "党委", "团委", "妇联", "侨联", "科协", "工商联", "总工会", "供销社", "合作社", "联合社", "指挥部",
            "厅", "局", "委", "办", "部", "司", "院", "会", "联", "社", "室", "组", "中心", "处", "署", "台", "所", "站", "基金",
            "队", "银行", "分行", "支行", "海关", "集团", "公司", "大学", "学院", "学校", "医院", "报社", "单位", "部门", "机构",
            "省", "市", "县", "区", "州", "旗", "盟", "镇", "乡", "街道", "自治州", "自治县", "自治区", "林区",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
_INSTITUTION = re.compile(
    r"(大学|学院|学校|医院|公司|集团|银行|报社|电视台|广播电视台|日报社|研究院|研究所)$"
)
# words that make a subject generic rather than a named unit
_GENERIC_START = re.compile(
    r"^(各|有关|相关|受援|援受|支援|援助|库区|全|本|其他|其它|所在|当地|两地|双方|省直|市直|县直|国务院有关|中央有关|发达|"
    r"市州|县区|区县|县市|乡镇|州县|省市|地方|该|这|上述|以上|下列|对口|结对|我|你|他|试点|重点|贫困|"
    r"采用|明确|委托|办成|成立|建立|组织|通过|按照|城镇|[省市县区乡镇]级|[一二三四]级)"
)
_GENERIC_ANY = re.compile(r"有关|相关|各级|各类|以上|以下|等$|和地方")  # 国家和地方融资担保基金: a kind
_REMARK = re.compile(
    r"[(（][^()（）]*?(以下|不再|均需|均由|列出|负责|分工|排名|牵头|配合|，|,)[^()（）]*[)）]"
)
_TRAILER = re.compile(
    r"(等(?:有关)?(?:单位|部门)?|有关(?:单位|部门))?(按照?职责分工|按职能分工|按职责|分别|共同)?(负责|落实|牵头|配合|参与|实施|推进|指导)*[。；;,，]*$"
)
_DEFINITION = re.compile(
    r"[(（]\s*(?:以下简称|以下称|下称|简称)\s*[“\"「]?([^()（）”\"」]{1,20}?)[”\"」]?\s*[)）]"
)
_BOUNDARY = re.compile(r"[。；;，,、:：!！?？\s)）]")
_LEADING_VERB = re.compile(
    r"^(?:由|确定由|经|请|同意|设立|成立|组建|建立|明确|深化|推进|推动|加强|开展|支持|继续|做好|实施|实现|为|在)"
)
_SUBJECT_STOP = re.compile(
    r"在|要|原则上|可以|可根据|(?<!自)由|一方面|将|把|对(?!口)|按照|根据|结合|会同|负责|特别是|肩负|的|了|着|应当|应该|必须|是|从|向|继续|积极|"
    r"进一步|切实|共同|统筹|加强|加快|牵头|配合|做好|等|作为|因|建立|推行|印发|完成|制定|出台|开展|落实"
)
# what may follow a name and still be part of it: 中国政府网, 省级 (an adjective, not 省)
_NAME_GOES_ON = re.compile(r"^[网级织分]")  # 中国政府网, 省级, 组织, 两部分
_NAME_CHAR = r"(?:(?![和及与])[\u4e00-\u9fff])"
_SEVERAL = re.compile(
    rf"((?:{_NAME_CHAR}{{2,3}}、)+{_NAME_CHAR}{{2,3}})[两二三四五六七八九十]+(省|市|县|区|州)(?:人民政府|政府)?"
)


def ends_like_unit(name: str) -> bool:
    """True when the name ends the way organisation or place names end."""
    name = re.sub(r"[(（][^()（）]*[)）]$", "", name)
    return len(name) >= 2 and name.endswith(ORG_SUFFIXES)


# a clause that starts with what to do names no unit, though its object may end like one (营造全社会…,
# 健全行业协会, 依托市大数据平台, 鼓励地方政府, 原则上国家…机构)
_VERB_START = re.compile(
    r"^(?:营造|健全|鼓励|依托|充分|发挥|引导|原则上|促进|加强|加快|强化|完善|深化|优化|推动|推进|落实|提升|提高|规范|"
    r"严格|做好|构建|打造|培育|探索|积极|切实|支持|衡量)"
)


def is_role(name: str) -> bool:
    """运营单位, 法制审核机构, 银行业金融机构, 第三方平台, 派出挂职干部单位: a role any body may hold, not a
    body's name (省对口支援领导小组成员单位 names its group, so it stays)."""
    return bool(
        re.search(r"(单位|机构|平台|主体|学校|幼儿园|企业|协会)$", name)
        and not re.search(rf"[{PLACE_CHARS}]|国家|中国|小组|委员会|办公室", name[:-2])
    )


def is_specific_unit(name: str) -> bool:
    """A named unit (省三峡办, 宜昌市) rather than a class of units (有关部门, 受援县区政府)."""
    if not ends_like_unit(name) or _GENERIC_START.match(name) or _GENERIC_ANY.search(name):
        return False
    if _VERB_START.match(name) or name in ORG_SUFFIXES or "部门" in name[:-2] or name.endswith("社会"):
        return False  # a bare 政府 (政府举债要…), a phrase (卫生健康行政部门监督指导…医院, 接受社会监督)
    if re.search(r"(小区|园区|景区|库区|辖区|地区)$", name) and not re.search(r"^.{1,4}地区$", name):
        return False  # 城镇小区, 试点地区: kinds of area (阿里地区, a prefecture, keeps its short name)
    if re.fullmatch(
        r"(每个|每所|各类)?(中小学校|中小学|学校|幼儿园|医疗卫生机构|医疗机构|机构|医院|企业)", name
    ):
        return False  # 学校, 医疗卫生机构: every one of a kind, not a named unit
    if name.endswith("部门"):
        return False  # 教育行政部门, 发展改革部门: a kind of department in every place, not a named one
    if is_role(name):
        return False

    return not re.search(r"\d|[a-zA-Z]", name)


def find_definitions(text: str) -> dict[str, str]:
    """Short names defined by （以下简称…）, mapped to the full name printed before them."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        short = match.group(1).strip()
        before = text[max(0, match.start() - 60) : match.start()]
        pieces = _BOUNDARY.split(before)
        full = _LEADING_VERB.sub("", pieces[-1]) if pieces else ""
        # 由甲、乙组成国家组织…试点工作小组（以下简称试点工作小组）: the body is what follows 组成
        full = re.split(r"组成|成立|设立|组建", full)[-1]
        if len(full) > len(short) >= 2 and short not in found:
            found[short] = full
    return found


def remove_definitions(text: str) -> str:
    """Drop （以下简称…） brackets so a sentence reads on."""
    return _DEFINITION.sub("", text)


def place_prefix(name: str) -> str:
    """The administrative prefix a following abbreviated name inherits: 省 of 省教育厅, 马尾区 of 马尾区党委."""
    for index, char in enumerate(name):
        if char in PLACE_CHARS and not name.startswith("场", index + 1):  # 市场监督管理局 names no city
            return name[: index + 1]
    return ""


def lacks_prefix(name: str) -> bool:
    """An abbreviated list member such as 科技厅 in 省教育厅、科技厅 (or 市场监督管理局 in 区经济发展局、市场监督管理局)."""
    if any(c in PLACE_CHARS for c in name.replace("市场", "")) or _INSTITUTION.search(name):
        return False
    return not re.match(r"^(各|全|中共|中央|国家|国务院|前方|驻|援)", name)


def _join_government(items: list[str]) -> list[str]:
    """党委、政府 names one unit; k bare 政府 after k 委 names go one to each."""
    bare = [i for i, item in enumerate(items) if item in ("政府", "人民政府")]
    if not bare:
        return items
    committees = [i for i, item in enumerate(items) if item.endswith("委") and i < bare[0]]
    run_is_tail = bare == list(range(bare[0], bare[0] + len(bare)))
    if len(bare) > 1 and run_is_tail and len(committees) >= len(bare):
        targets = committees[-len(bare) :]
        joined = list(items)
        for committee, government in zip(targets, bare, strict=True):
            joined[committee] = f"{items[committee]}、{items[government]}"
        return [item for i, item in enumerate(joined) if i not in bare]
    result: list[str] = []
    for item in items:
        if item in ("政府", "人民政府") and result:
            result[-1] = f"{result[-1]}、{item}"
        else:
            result.append(item)
    return result


def _share_suffix(items: list[str]) -> list[str]:
    """福州市、厦门市、莆田市人民政府: the bare places share the last item's organ name."""
    if len(items) < 2:
        return items
    last = items[-1]
    match = re.match(
        rf"^(.{{2,8}}?[{PLACE_CHARS}])(人民政府|政府|党委|党工委|发改委|财政局|人大常委会)$", last
    )
    if not match:
        return items
    place_only = re.compile(rf"^.{{1,8}}[{PLACE_CHARS}]$")
    if all(place_only.match(item) for item in items[:-1]):
        return [item + match.group(2) for item in items[:-1]] + [last]
    return items


def _inherit_prefix(items: list[str]) -> list[str]:
    """省教育厅、科技厅 → 省教育厅、省科技厅."""
    result: list[str] = []
    prefix = ""
    for item in items:
        if prefix and lacks_prefix(item) and "、" not in item:
            item = prefix + item
        else:
            prefix = place_prefix(item) if not _INSTITUTION.search(item) else ""
        result.append(item)
    return result


def expand_several(text: str) -> str:
    """四川、云南、甘肃三省 → 四川省、云南省、甘肃省."""

    def spell(match: re.Match[str]) -> str:
        return "、".join(f"{name}{match.group(2)}" for name in match.group(1).split("、"))

    return _SEVERAL.sub(spell, text)


def split_units(text: str, definitions: dict[str, str] | None = None) -> list[str]:
    """Split a printed unit list into unit names, expanding abbreviations and defined short names."""
    definitions = definitions or {}
    text = _REMARK.sub("", text)
    text = re.sub(
        r"^(责任单位|牵头单位|责任部门|牵头部门|配合单位|参与单位|主责单位|负责单位)[:：]", "", text.strip()
    )
    text = re.sub(r"\s*、\s*", "、", text)
    text = expand_several(text)
    units: list[str] = []
    for group in re.split(r"[，,；;\s]+", text):
        group = _TRAILER.sub("", group.strip(" 。"))
        items = [_TRAILER.sub("", item).strip() for item in group.split("、")]
        items = [item for item in items if item]
        items = _join_government(items)
        items = _share_suffix(items)
        items = _inherit_prefix(items)
        for item in items:
            item = definitions.get(item, item)
            if len(item) >= 2 and item not in units:
                units.append(item)
    return units


def _expand_level(items: list[str]) -> list[str]:
    """河北省委和省政府 → 河北省委, 河北省政府: a bare 省/市/县 repeats the place named just before."""
    result: list[str] = []
    for item in items:
        match = re.match(r"^([省市县区])(委|政府|人民政府|人大常委会|政协)$", item)
        if match and result:
            place = re.match(rf"^(.{{2,8}}?{match.group(1)})", result[-1])
            if place and len(place.group(1)) > 1:
                item = place.group(1) + match.group(2)
        result.append(item)
    return result


def parse_subject(text: str, definitions: dict[str, str]) -> list[str]:
    """Named units at the start of a sentence such as 省商务厅在…中,要… or 天津市、上海市和浙江省要…."""
    return subject_and_rest(text, definitions)[0]


def subject_and_rest(text: str, definitions: dict[str, str]) -> tuple[list[str], str]:
    """The named units a sentence starts with, and the words after them."""
    text = expand_several(remove_definitions(text))
    # a defined short name opening the sentence, alone or heading a longer name (联席会议办公室要… → 国务院…联席会议办公室)
    for short in sorted(definitions, key=len, reverse=True):
        if text.startswith(short) and ends_like_unit(definitions[short]):
            text = definitions[short] + text[len(short) :]
            break
    items: list[str] = []
    position = 0
    while position < len(text):
        best = 0
        limit = min(len(text), position + 32)
        for end in range(position + 2, limit + 1):
            piece = text[position:end]
            # one character more so a lookahead sees what follows (市对口支援… is no 对 ending a subject)
            stop = _SUBJECT_STOP.search(text[position : end + 1])
            if re.search(r"[，,。；;:：、\s“”\"《》]", piece) or (stop and stop.end() <= len(piece)):
                break
            if piece.endswith(ORG_SUFFIXES) or re.search(
                rf"[{PLACE_CHARS}][(（][^()（）]{{1,10}}[)）]$", piece
            ):
                stop = _SUBJECT_STOP.search(text, position, min(len(text), end + 2))
                if _NAME_GOES_ON.match(text[end : end + 1]) or (stop and stop.start() < end < stop.end()):
                    continue  # 专区监管部门会同: the 会 of 会同 ends no name
                best = end
        if not best:
            break
        joint = re.search(r"[和及与]", text[position:best])
        if joint and ends_like_unit(text[position : position + joint.start()]):
            best = position + joint.start()
        items.append(text[position:best])
        position = best
        if text.startswith(("、", "和", "及", "与"), position):
            position += 1
            continue
        break
    named = []
    items = _expand_level(items)
    for item in items:
        if re.match(r"^(有关|相关|各)", item):
            break  # 有关市州和经济开发区: the qualifier covers the rest of the list
        item = definitions.get(item, item)
        if is_specific_unit(item) and item not in named:
            named.append(item)
    return named, text[position:]
