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
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# family in the stylesheet -> fontconfig pattern of the source face
FACES = {
    "XiufuSerif": "Noto Serif CJK SC:style=Regular",
    "XiufuSerifBold": "Noto Serif CJK SC:style=Bold",
}
CHARSET_VERSION = "gb2312-2"  # change when letter_charset() or the cut changes: the cached faces are keyed by it


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
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(zh_cn)
    tmp.replace(target)  # atomic: a reader never sees half a face


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


@lru_cache
def letter_faces(cache_dir: Path) -> tuple[Face, ...]:
    """Makes (once per machine and source face) and returns the letter faces."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    faces = []
    for family, pattern in FACES.items():
        source, index = source_face(pattern)
        stat = source.stat()
        key = hashlib.sha256(f"{source}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{CHARSET_VERSION}".encode())
        target = cache_dir / f"{family}-{key.hexdigest()[:16]}.otf"
        if not target.exists():
            _subset(source, index, target)
        faces.append(Face(family, target))
    return tuple(faces)


def font_face_css(faces: tuple[Face, ...]) -> str:
    return "\n".join(f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.resolve().as_uri()}"); }}'
                     for f in faces)
