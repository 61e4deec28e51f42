"""The faces the letters are set in: Noto Serif CJK SC (Debian's fonts-noto-cjk), cut down once to the
characters letters use (GB 2312, ASCII, CJK and full-width punctuation) and cached on disk.

Why: WeasyPrint embeds a subset of every face it uses, made with HarfBuzz from the whole face. The
collection files are 26 MB with 65,000 glyphs in four languages; a 7,800-glyph face of our own makes that
per-letter subsetting, and reading the face, several times cheaper. A character outside the set (a rare
character in a name) still prints: the stylesheet falls back to the full face for it.

The cut keeps the glyphs the layout tables reach for simplified Chinese only (not the Japanese, Korean
and traditional forms: 5,500 glyphs) and flattens the CFF subroutines. WeasyPrint subsets with retained
glyph ids and flattens subroutines for every letter; with fewer glyphs and nothing left to flatten, that
step costs about half (14 ms a letter instead of 35) and the embedded subset is a quarter smaller. The
letters come out the same to the pixel.

The cut is then renumbered: the glyphs of the characters letters use most (`first_characters`: the
wording of the templates and of config/, the authorities' names, ASCII and punctuation, what names of
subjects are mostly made of, then the rest of the common hanzi) come first, the others keep their order
behind them. WeasyPrint subsets each letter's face twice, the second time keeping every glyph id up to
the highest the letter uses, and both cuts cost about in proportion to that highest id: with a letter's
glyphs among the first few hundred or thousand instead of spread over 7,800, the regular face's subset
takes about 8 ms a letter instead of 11-13 (6 when every character of the letter is among the first 900:
the first cut still reads the whole face), the bold one's 2.4 instead of 6-8, and a letter is 67 KB
instead of 111. Only the numbering changes: the outlines, metrics and layout tables are the
same, and so are the letters, to the pixel (compared with pdftoppm). The order depends on the wording,
which therefore keys the cached faces too: a change of wording makes them again (about 35 s, once).
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# family in the stylesheet -> fontconfig pattern of the source face
FACES = {
    "XiufuSerif": "Noto Serif CJK SC:style=Regular",
    "XiufuSerifBold": "Noto Serif CJK SC:style=Bold",
}
CHARSET_VERSION = "gb2312-3"  # change when letter_charset() or the cut changes: the cached faces are keyed by it
ROOT = Path(__file__).resolve().parent.parent
# where the letters' own wording is: its characters are numbered first (and key the cached faces)
WORDING = ("templates/letters/*.html", "activities/letters.py", "activities/decisions.py", "config/letters.yaml",
           "config/authorities.yaml")
# what names of enterprises and people are mostly made of, beyond the wording: the renumbering puts these
# early too, so that a typical name does not reach far into the face
COMMON_IN_NAMES = ("有限责任公司股份合伙企业集团分总厂店商行经营部个体工户农民专业合作社中心研究院所协会"
                   "科技术信息网络电子软件智能数据通讯设备机械制造加工材料新能源环保化工生物医药食品"
                   "贸易商务实业发展投资控股管理咨询服务文化传媒广告教育培训旅游酒店餐饮物业房地产开置业"
                   "建设筑工程装饰劳务安园林市政交运输物流仓储汽车修租赁进出口销售批零售超百货五金"
                   "电器服装纺织印刷包装家具建材钢铁金属塑料机电仪表医疗器械健康养老美容健身体育娱乐"
                   "网吧药房诊所茶叶水果蔬菜粮油肉类海鲜烟酒日用品江苏南京无锡徐州常州苏州南通连云港淮安"
                   "盐城扬州镇江泰州宿迁昆山江阴宜兴张家港太仓常熟海门启东如皋东台溧阳丹阳靖江兴化沭阳"
                   "华国中天东方宏伟鑫盛达通泰恒德源信和金利嘉瑞祥福顺昌隆兴丰汇诚星明志远永新春龙海"
                   "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
                   "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
                   "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平"
                   "刚桂英华建国文辉玲红梅斌宇浩凯鹏飞俊峰波亮健丹萍雪琳晨欣怡婷佳宁子轩")


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Face:
    family: str
    path: Path


def letter_charset() -> set[int]:
    chars = set(range(0x20, 0x7F))  # ASCII
    chars |= set(range(0x2010, 0x2028)) | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F))  # punctuation
    chars |= {0x00B7, 0x00D7, 0x2116, 0x2160, 0x2161, 0x2162, 0x2163, 0x2164}  # · × № Ⅰ-Ⅴ
    for hi in range(0xA1, 0xF8):  # GB 2312: 6,763 hanzi and its symbols
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def source_face(pattern: str) -> tuple[Path, int]:
    """The file and collection index fontconfig gives for `pattern`, refusing a fallback face."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}|%{file}|%{index}", pattern], capture_output=True,
                             text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise FontMissing(f"fontconfig (fc-match) is not usable: {exc}") from exc
    family, file, index = out.rsplit("|", 2)
    if "Noto Serif CJK SC" not in family:
        raise FontMissing(f"{pattern!r} is not installed (fontconfig offers {family!r}): "
                          "install the Debian package fonts-noto-cjk (make run and make test do)")
    return Path(file), int(index)


def _subset(source: Path, index: int, target: Path) -> None:
    """Two cuts: the GB 2312 characters with every form the layout tables reach, then the same characters
    with only the forms simplified Chinese reaches (see `simplified_chinese_only`), subroutines flattened."""
    import uharfbuzz as hb

    gb2312 = _cut(hb.Face(hb.Blob.from_file_path(str(source)), index), hb.SubsetFlags.DEFAULT, f"{source}#{index}")
    zh_cn = _cut(hb.Face(hb.Blob(simplified_chinese_only(gb2312))), hb.SubsetFlags.DESUBROUTINIZE,
                 f"{source}#{index}")
    _write_whole(target, renumbered(zh_cn, first_characters()))  # a reader never sees half a face


def _write_whole(path: Path, data: bytes) -> None:
    """Written beside `path`, flushed, then renamed over it, as store/files.py writes letters: the engine
    imports nothing of the store, and these few lines are all it would take from it."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)


def _cut(face: object, flags: int, name: str) -> bytes:
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for codepoint in letter_charset():
        wanted.unicode_set.add(codepoint)
    wanted.flags = flags
    cut = hb.subset(face, wanted)
    if cut is None:
        raise FontMissing(f"HarfBuzz could not subset {name}")
    return cut.blob.data  # type: ignore[no-any-return]


def simplified_chinese_only(font: bytes) -> bytes:
    """Leaves in GSUB only the default and the zh-CN (ZHS) language systems, so that the second cut keeps
    the forms the letters are shaped with (Pango's `locl` forms for lang="zh-CN" and for Latin runs) and
    leaves out the Japanese, Korean and traditional forms, and with them 5,500 glyphs. Only GSUB is
    rewritten: the other tables are copied as they are."""
    import io

    from fontTools.ttLib import TTFont

    font_file = TTFont(io.BytesIO(font), lazy=True, recalcTimestamp=False)  # the same cut, the same bytes
    for record in font_file["GSUB"].table.ScriptList.ScriptRecord:
        record.Script.LangSysRecord = [r for r in record.Script.LangSysRecord if r.LangSysTag == "ZHS "]
        record.Script.LangSysCount = len(record.Script.LangSysRecord)
    out = io.BytesIO()
    font_file.save(out)
    return out.getvalue()


def first_characters() -> str:
    """The characters whose glyphs are numbered first, most used first: the wording of the letters, then
    ASCII and punctuation, then what names are mostly made of, then the other 3,755 common hanzi (level 1
    of GB 2312), before the level 2 ones, so that a name with a character none of these has still
    reaches less far into the face."""
    wording = "".join(path.read_text("utf-8") for pattern in WORDING for path in sorted(ROOT.glob(pattern)))
    punctuation = "".join(map(chr, [*range(0x20, 0x7F), *range(0x3000, 0x3040), *range(0xFF01, 0xFF5F),
                                    *range(0x2010, 0x2028), 0x00B7, 0x00D7]))
    level_1 = "".join(_gb2312(hi, lo) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF))
    return "".join(dict.fromkeys(wording + punctuation + COMMON_IN_NAMES + level_1))


def _gb2312(hi: int, lo: int) -> str:
    try:
        return bytes((hi, lo)).decode("gb2312")
    except UnicodeDecodeError:
        return ""


def renumbered(font: bytes, first: str) -> bytes:
    """The face with the glyphs `first` is shaped with numbered first, in that order, and the others behind
    them in the order they had. Shaped as Pango shapes them: zh-CN, alone and inside a run of Han
    characters, and in a Latin run, which Pango shapes as English (there the face's `locl` gives digits
    other glyphs: 2026 and the credit codes are set with those). fontTools renumbers the glyph order,
    the CFF charset and charstrings and the layout tables' coverages; the FDSelect of a CID-keyed face
    (which private dictionary each glyph uses) is renumbered here."""
    import io

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    # the bounding boxes do not change (and recalculating them draws every glyph three times: a minute)
    font_file = TTFont(io.BytesIO(font), recalcTimestamp=False, recalcBBoxes=False)
    names = font_file.getGlyphOrder()
    wanted = [names[gid] for gid in _shaped_glyphs(font, first)]
    order = list(dict.fromkeys([names[0], *wanted, *names]))
    top = font_file["CFF "].cff.topDictIndex[0]
    fd_select = getattr(top, "FDSelect", None)
    old_fd = {name: fd_select[gid] for gid, name in enumerate(names)} if fd_select is not None else {}
    reorderGlyphs(font_file, order)
    if fd_select is not None:
        top.FDSelect = copy.copy(fd_select)  # the charstrings index still reads the old one
        top.FDSelect.gidArray = [old_fd[name] for name in order]
    out = io.BytesIO()
    font_file.save(out)
    return out.getvalue()


def _shaped_glyphs(font: bytes, text: str) -> list[int]:
    import uharfbuzz as hb

    shaper = hb.Font(hb.Face(hb.Blob(font)))
    glyphs = []
    for char in text:
        for script, language in (("", "zh-CN"), ("Hani", "zh-CN"), ("Latn", "en")):
            buffer = hb.Buffer()
            buffer.add_str(char)
            buffer.guess_segment_properties()
            if script:
                buffer.script = script
            buffer.language = language
            hb.shape(shaper, buffer)
            glyphs.extend(info.codepoint for info in buffer.glyph_infos if info.codepoint)
    return glyphs


@lru_cache
def letter_faces(cache_dir: Path) -> tuple[Face, ...]:
    """Makes (once per machine and source face) and returns the letter faces."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    faces = []
    for family, pattern in FACES.items():
        source, index = source_face(pattern)
        stat = source.stat()
        key = hashlib.sha256(f"{source}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{CHARSET_VERSION}|"
                             f"{first_characters()}".encode())
        target = cache_dir / f"{family}-{key.hexdigest()[:16]}.otf"
        if not target.exists():
            with _building(cache_dir):
                if not target.exists():  # another thread or process made it while this one waited
                    _subset(source, index, target)
        faces.append(Face(family, target))
    return tuple(faces)


_build_lock = threading.Lock()


@contextmanager
def _building(cache_dir: Path) -> Iterator[None]:
    """One maker of faces at a time, across the worker's activity threads (a thread lock) and its render
    processes (a lock file): on a fresh machine every letter of the first batch would otherwise make the
    same faces at once, seconds of CPU each, and trip over each other's files."""
    with _build_lock, (cache_dir / ".building.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def font_face_css(faces: tuple[Face, ...]) -> str:
    return "\n".join(f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.resolve().as_uri()}"); }}'
                     for f in faces)
