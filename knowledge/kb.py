"""The knowledge base: built-in and uploaded notices, a cached BM25 index, curated answers,
and `ask` (which leaves the ranking to `knowledge.ranking`)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, astuple, dataclass, replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.analyzer import FUNCTION_CHARS, Analyzer, normalize, resource_fingerprint
from knowledge.bm25 import BM25Index
from knowledge.cleaning import GAMBLING_WORDS
from knowledge.deadlines import find_deadlines
from knowledge.errors import IngestError
from knowledge.ingest import ParsedFile, parse_notice_file
from knowledge.loaders import SUPPORTED_SUFFIXES
from knowledge.models import Answer, Deadline, Document, IngestReport, Passage
from knowledge.ranking import Ranker, spellable_words
from knowledge.spelling import pinyin_index

log = logging.getLogger(__name__)

CODE_VERSION = "knowledge-index-12"
MAX_QUESTION_CHARS = 1000
CURATED_MIN_SCORE = 82.0
GAMBLING_QUESTION = re.compile(GAMBLING_WORDS, re.IGNORECASE)
MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# What carries no topic: greetings and courtesies, numbers (a mistyped button number, a bare
# year), punctuation. A question left with nothing else (「9」「2019」「老师好」) is declined.
NO_TOPIC = re.compile(
    r"(?:老师|同学|大家|您|你|各位)*(?:好|早上好|上午好|中午好|下午好|晚上好)"
    r"|在吗|在不在|打扰(?:了|一下)?|请问(?:一下)?|谢谢|多谢|感谢|麻烦(?:了|您|你)?|辛苦了"
    r"|\b(?:hello|hi|hey|ok|okay|thanks?)\b|老师|同学"
    r"|\d+(?:[.,:]\d+)*[年月日号]?|[零〇一二两三四五六七八九十百千万亿]+|[\W_]+"
)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _readable_digest(path: Path) -> str:
    """The file's digest, or "" when it cannot be read (reading it again says why)."""
    try:
        return _file_digest(path)
    except OSError:
        return ""


@dataclass
class _State:
    """Everything a built index consists of; swapped whole on rebuild."""

    documents: list[Document]
    passages: list[Passage]
    index: BM25Index
    deadlines: list[Deadline]
    reports: list[IngestReport]
    built_at: str
    pinyin: dict[str, str]


def builtin_corpus_files() -> list[Path]:
    """The notices shipped in knowledge/corpus."""
    folder = Path(str(resources.files("knowledge.corpus")))
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith("_")
    )


def _free_name(name: str, taken_stems: set[str]) -> str:
    """`name`, or `name-2`, `name-3` … (before the suffix): the first whose stem is not taken
    (compared without case, as a file system may)."""
    path = Path(name)
    stem, suffix = path.stem, path.suffix
    candidate, number = stem, 1
    while candidate.casefold() in taken_stems:
        number += 1
        candidate = f"{stem}-{number}"
    return candidate + suffix


def _has_no_topic(question: str) -> bool:
    """True for a bare number, a greeting or a courtesy: nothing the notices could be about."""
    rest = NO_TOPIC.sub("", normalize(question))
    return not any(MEANINGFUL.match(ch) and ch not in FUNCTION_CHARS for ch in rest)


class KnowledgeBase:
    """Searchable notices. Create with `KnowledgeBase.open(cache_dir, extra_notice_dir)`."""

    def __init__(self, cache_dir: Path, extra_notice_dir: Path | None, analyzer: Analyzer):
        self.cache_dir = cache_dir
        self.extra_notice_dir = extra_notice_dir
        self.analyzer = analyzer
        self._curated: list[tuple[int, str, str]] = []
        self._curated_keys: list[str] = []
        # The bot asks on its event loop while an upload is ingested in a worker thread:
        # questions never see half-installed state, and uploads are ingested one at a time.
        self._state_lock = threading.RLock()
        self._ingest_lock = threading.Lock()
        self._state: _State
        self._ranker: Ranker

    @classmethod
    def open(cls, cache_dir: Path, extra_notice_dir: Path | None = None) -> KnowledgeBase:
        """Load the cached index for the current notices, building it if they changed."""
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        if extra_notice_dir is not None:
            extra_notice_dir = Path(extra_notice_dir)
            extra_notice_dir.mkdir(parents=True, exist_ok=True)
        kb = cls(cache_dir, extra_notice_dir, Analyzer(cache_dir))
        kb._load_or_build()
        return kb

    # ----- building and caching -------------------------------------------------------------

    def source_files(self) -> list[Path]:
        """Built-in notices followed by uploaded ones."""
        files = builtin_corpus_files()
        if self.extra_notice_dir is not None and self.extra_notice_dir.is_dir():
            files += sorted(
                path
                for path in self.extra_notice_dir.iterdir()
                if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
            )
        return files

    def _fingerprint(self, files: list[Path]) -> str:
        digest = hashlib.sha256(CODE_VERSION.encode())
        digest.update(resource_fingerprint().encode())
        for path in files:
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()[:20]

    def _load_or_build(self) -> None:
        files = self.source_files()
        key = self._fingerprint(files)
        meta_path = self.cache_dir / f"kb-{key}.json"
        index_path = self.cache_dir / f"kb-{key}.npz"
        state = None
        if meta_path.exists() and index_path.exists():
            try:
                state = self._read_cache(meta_path, index_path)
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.warning("index cache unreadable, rebuilding: %s", error)
        if state is None:
            state = self._build(files)
            self._write_cache(state, meta_path, index_path)
        self._install(state)

    def _build(self, files: list[Path]) -> _State:
        documents: list[Document] = []
        passages: list[Passage] = []
        reports: list[IngestReport] = []
        seen_ids: set[str] = set()
        for path in files:
            try:
                parsed = parse_notice_file(path)
            except IngestError as error:
                log.warning("skipping notice %s: %s", path, error.reason)
                reports.append(IngestReport(path=path.name, error=error.reason))
                continue
            renames = {}
            for document in parsed.documents:
                if document.doc_id in seen_ids:
                    renames[document.doc_id] = f"{document.doc_id}~{len(seen_ids)}"
                    document.doc_id = renames[document.doc_id]
                seen_ids.add(document.doc_id)
            documents += parsed.documents
            passages += [
                replace(p, doc_id=renames.get(p.doc_id, p.doc_id)) for p in parsed.passages
            ]
            reports.append(parsed.report)
        index = BM25Index.build([self.analyzer.terms(p.index_text()) for p in passages])
        return _State(
            pinyin=pinyin_index(spellable_words(index, self.analyzer)),
            documents=documents,
            passages=passages,
            index=index,
            deadlines=find_deadlines(documents, passages),
            reports=reports,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def _write_cache(self, state: _State, meta_path: Path, index_path: Path) -> None:
        for old in self.cache_dir.glob("kb-*.*"):
            old.unlink(missing_ok=True)
        meta = {
            "documents": [asdict(document) for document in state.documents],
            "passages": [astuple(p) for p in state.passages],
            "deadlines": [deadline.to_json() for deadline in state.deadlines],
            "reports": [asdict(report) for report in state.reports],
            "built_at": state.built_at,
            "pinyin": state.pinyin,
        }
        temporary_index = index_path.with_name(index_path.stem + ".tmp.npz")
        state.index.save(temporary_index)
        os.replace(temporary_index, index_path)
        temporary_meta = meta_path.with_suffix(".tmp")
        temporary_meta.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary_meta, meta_path)

    def _read_cache(self, meta_path: Path, index_path: Path) -> _State:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        deadlines = []
        for item in meta["deadlines"]:
            due = date.fromisoformat(item["due"]) if item["due"] else None
            deadlines.append(Deadline(**(item | {"due": due})))
        return _State(
            documents=[Document(**item) for item in meta["documents"]],
            passages=[Passage(*item) for item in meta["passages"]],
            index=BM25Index.load(index_path),
            deadlines=deadlines,
            reports=[IngestReport(**item) for item in meta["reports"]],
            built_at=meta["built_at"],
            pinyin=meta["pinyin"],
        )

    def _install(self, state: _State) -> None:
        with self._state_lock:
            self._install_unlocked(state)

    def _install_unlocked(self, state: _State) -> None:
        self._ranker = Ranker(
            state.documents, state.passages, state.index, state.pinyin, self.analyzer
        )
        self._state = state

    # ----- questions ---------------------------------------------------------------------------

    def ask(self, question: str, k: int = 3, *, with_curated: bool = True) -> Answer:
        """Answer a question with the best clause passages, or decline with a reason; a curated
        answer that matches comes first (unless `with_curated` is False), with only the clauses
        the ranking is confident of."""
        with self._state_lock:
            return self._ask(question, k, with_curated)

    def _ask(self, question: str, k: int, with_curated: bool = True) -> Answer:
        reason = self._reject_reason(question)
        if reason:
            return Answer(question=question, answered=False, reason=reason)
        text = normalize(question)
        curated = self._match_curated(text) if with_curated else None
        ranking = self._ranker.rank(text, k)
        if curated:
            # Clauses the ranking is unsure of would sit under the manager's answer as if they
            # backed it up.
            hits = ranking.hits if ranking.confident and not ranking.reason else []
            return Answer(question, True, hits, None, curated[2], curated[0], True)
        if ranking.reason:
            return Answer(question=question, answered=False, reason=ranking.reason)
        return Answer(question, True, ranking.hits, confident=ranking.confident)

    @staticmethod
    def _reject_reason(question: str) -> str | None:
        if not isinstance(question, str) or not question.strip():
            return "empty"
        if len(question) > MAX_QUESTION_CHARS:
            return "too_long"
        garbage = sum(
            1 for ch in question if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r")
        )
        if garbage > 2:
            return "binary"
        if not MEANINGFUL.search(question):
            return "no_text"
        if _has_no_topic(question):
            return "no_topic"
        if GAMBLING_QUESTION.search(normalize(question)):
            # Cleaning removes lottery and gambling ads from every notice: no clause answers it.
            return "out_of_scope"
        return None

    # ----- curated answers ------------------------------------------------------------------

    def set_curated(self, pairs: list[tuple[int, str, str]]) -> None:
        """Replace the curated (id, question, answer) pairs that ask() checks first."""
        curated = [(int(pid), str(q), str(a)) for pid, q, a in pairs]
        keys = [self._curated_key(normalize(q)) for _, q, _ in curated]
        with self._state_lock:
            self._curated, self._curated_keys = curated, keys

    def _curated_key(self, text: str) -> str:
        return " ".join(sorted(set(self.analyzer.words(text))))

    def _match_curated(self, text: str) -> tuple[int, str, str] | None:
        if not self._curated:
            return None
        key = self._curated_key(text)
        if not key:
            return None
        found = process.extractOne(
            key, self._curated_keys, scorer=fuzz.token_set_ratio, score_cutoff=CURATED_MIN_SCORE
        )
        if not found:
            return None
        candidate = self._curated[found[2]]
        plain = fuzz.ratio(text, normalize(candidate[1]))
        if found[1] < 100 and plain < 60:
            return None
        return candidate

    # ----- notices -------------------------------------------------------------------------------

    def ingest(
        self,
        paths: list[Path],
        on_progress: Callable[[Path], None] | None = None,
        skip_bad: bool = False,
    ) -> list[IngestReport]:
        """Add notice files to extra_notice_dir and rebuild; a bad file is never half-added.

        With skip_bad=False the first bad file raises IngestError and nothing is added;
        with skip_bad=True bad files get a report with `error` set and the rest are added.
        """
        if self.extra_notice_dir is None:
            raise IngestError("没有配置上传通知的保存目录(extra_notice_dir)")
        with self._ingest_lock:
            return self._ingest(list(map(Path, paths)), on_progress, skip_bad)

    def _ingest(
        self,
        paths: list[Path],
        on_progress: Callable[[Path], None] | None,
        skip_bad: bool,
    ) -> list[IngestReport]:
        parsed: list[tuple[Path, str, ParsedFile]] = []
        reports: list[IngestReport] = []
        sources = self.source_files()
        known = {_file_digest(source): source.name for source in sources}
        # Uploads are often all called 通知.docx: a new notice never replaces one of the same
        # name (or the same stem, which names its passages), it is stored under a free name.
        taken = {source.stem.casefold() for source in sources}
        for path in paths:
            try:
                digest = _readable_digest(path)
                duplicate_of = known.get(digest)
                name = path.name if duplicate_of else _free_name(path.name, taken)
                result = parse_notice_file(path, name)
            except IngestError as error:
                if not skip_bad:
                    raise
                reports.append(IngestReport(path=str(path), error=error.reason))
            else:
                result.report.path = str(path)
                if duplicate_of:
                    result.report.duplicate_of = duplicate_of
                    result.report.documents = []
                    result.report.passages = 0
                else:
                    result.report.stored_as = name
                    taken.add(Path(name).stem.casefold())
                    known[digest] = name
                    parsed.append((path, name, result))
                reports.append(result.report)
            if on_progress:
                on_progress(path)
        try:
            for path, name, _ in parsed:
                self._store_notice(path, name)
        finally:
            if parsed:
                self._load_or_build()
        return reports

    def _store_notice(self, path: Path, name: str) -> None:
        assert self.extra_notice_dir is not None
        target = self.extra_notice_dir / name
        with tempfile.NamedTemporaryFile(
            dir=self.extra_notice_dir, delete=False, prefix=".upload-", suffix=".part"
        ) as handle:
            temporary = Path(handle.name)
        try:
            shutil.copyfile(path, temporary)
            # A hard link never replaces a file: a notice stored meanwhile by another process
            # under this name stays, and this one is refused.
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                if target.exists():
                    raise FileExistsError(target) from None
                os.replace(temporary, target)
        except FileExistsError:
            raise IngestError(
                f"知识库里刚刚有人存入了同名文件 {name},这份通知没有加入,请再导入一次", str(path)
            ) from None
        finally:
            temporary.unlink(missing_ok=True)

    def deadlines(self) -> list[Deadline]:
        """Dated and time-limited duties found in the notices, dated ones first by date."""
        return sorted(
            self._state.deadlines,
            key=lambda deadline: (deadline.due is None, deadline.due or date.max),
        )

    def documents(self) -> list[dict]:
        """Metadata of every notice (title, doc_number, issuer, date, source, attachments …)."""
        return [document.metadata() for document in self._state.documents]

    def reports(self) -> list[IngestReport]:
        """Cleaning reports of the files behind the current index."""
        return list(self._state.reports)

    def stats(self) -> dict:
        """Sizes of the index and when it was built: `documents` counts every indexed text,
        `notices` only real notices (not a scraped page's own blurb)."""
        return {
            "documents": len(self._state.documents),
            "notices": sum(1 for document in self._state.documents if document.is_notice),
            "passages": len(self._state.passages),
            "vocabulary": len(self._state.index.vocabulary),
            "built_at": self._state.built_at,
        }

    def passage(self, passage_id: int) -> Passage:
        """One passage by id."""
        return self._state.passages[passage_id]
