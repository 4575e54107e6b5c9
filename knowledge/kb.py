"""The knowledge base: built-in and uploaded notices, a cached BM25 index, curated answers,
and `ask` (which leaves the ranking to `knowledge.ranking`)."""

from __future__ import annotations

import functools
import glob
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
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
from knowledge.scope import prefer_general
from knowledge.spelling import pinyin_index

try:
    import fcntl
except ImportError:  # not on Windows: the bot and the CLI then do not wait for each other
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

CODE_VERSION = "knowledge-index-31"
MAX_QUESTION_CHARS = 1000
CURATED_MIN_SCORE = 82.0
# A curated answer is served by itself only when the question and the curated question hold the
# same words that say this much (jieba informativeness; 需要 7.7, 交通 8.6, 开饭 13.8), synonyms
# counting as one: 「交通费用由谁承担」 is not 「住宿费用由谁承担」, 「食堂在几楼」 not
# 「食堂几点开饭」, 「培训期间请假会扣工资吗」 not 「培训期间可以请假吗」, however alike the rest.
# Near misses still reach a manager, whose /unanswered offers the saved answer in one tap.
CURATED_CONTENT_WEIGHT = 8.0
# In the uploaded notices' folder: the shipped notices an admin removed (one name a line; they
# stay in the package and can be restored) and the uploaded ones removed or replaced (moved
# there, not deleted).
HIDDEN_FILE = ".hidden"
REMOVED_DIR = ".removed"
LOCK_FILE = ".kb.lock"  # in the cache folder: one process at a time changes notices or cache
# How often, at most, `changed()` looks at the notices folder (a few stat calls).
CHECK_SECONDS = 1.0
SAME_POLICIES = ("keep", "ask", "replace")
_BRACKETS = str.maketrans("[]【】()（）", "〔〕〔〕〔〕〔〕")
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


@functools.lru_cache(maxsize=4096)
def _version_digest(path: str, size: int, mtime_ns: int) -> str:
    """The digest of one version (size, mtime) of a file; OSError, not remembered, when it
    cannot be read."""
    return _file_digest(Path(path))


def _current_digest(path: Path) -> str:
    """`_readable_digest`, hashing each version of a file once (the removed list compares
    every live file with each removed one)."""
    try:
        status = path.stat()
        return _version_digest(str(path), status.st_size, status.st_mtime_ns)
    except OSError:
        return ""


@functools.lru_cache(maxsize=128)
def _parsed_version(path: str, name: str, size: int, mtime_ns: int) -> tuple[Document, ...] | str:
    """The documents of one version (size, mtime) of a file read as `name`, or why it cannot
    be (IngestError's reason); OSError, not remembered, when it cannot be read."""
    try:
        return tuple(parse_notice_file(Path(path), name).documents)
    except IngestError as error:
        return error.reason


def parsed_documents(path: Path, name: str) -> list[Document]:
    """The documents of a notice file read as `name` (`parse_notice_file`), parsed once per
    version of the file (the caller must not change them); IngestError or OSError when it
    cannot be read."""
    status = Path(path).stat()
    parsed = _parsed_version(str(path), name, status.st_size, status.st_mtime_ns)
    if isinstance(parsed, str):
        raise IngestError(parsed, str(path))
    return list(parsed)


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


@dataclass(frozen=True)
class LiveMatch:
    """A removed notice file against the live ones (`KnowledgeBase.live_matches`)."""

    # The live file with the same bytes or cleaned text: restoring it would answer twice.
    duplicate_of: str | None
    # Live files holding a notice with the same 文号 or title (a newer or older version).
    same_as: list[str]


class RestoreRefused(IngestError):
    """`restore` brought nothing back: a live file has the removed notice's content, or (not
    forced) one of its 文号 or titles; `match` says which."""

    def __init__(self, name: str, match: LiveMatch) -> None:
        if match.duplicate_of:
            reason = (
                f"「{name}」和知识库里的「{match.duplicate_of}」内容相同，恢复后每条都会答两遍"
            )
        else:
            others = "、".join(f"「{other}」" for other in match.same_as)
            reason = f"知识库里的{others}有相同的文号或标题，恢复后两份都会被引用"
        super().__init__(reason)
        self.name = name
        self.match = match


class NotRemoved(IngestError):
    """`restore` brought nothing back: nothing of that name is removed, and a live notice file
    has the name (it is in use)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"「{name}」没有被删除，正在使用中")
        self.name = name


@dataclass(frozen=True)
class _LiveNotices:
    """What `live_matches` compares a removed file with, worked out once per index."""

    # The cleaned content of each live file (`_content_key`) → the first file with it.
    contents: dict[str, str]
    # Each live file → the 文号 and titles of its notices (`_notice_keys`).
    keys: dict[str, set[tuple[str, str]]]


def builtin_corpus_files() -> list[Path]:
    """The notices shipped in knowledge/corpus."""
    folder = Path(str(resources.files("knowledge.corpus")))
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith("_")
    )


def _content_key(documents: list[Document]) -> str:
    """What a file says, once cleaned: its notices' metadata and text, whitespace and line
    ends aside (so a CRLF, GBK or re-saved copy of a notice is the same notice)."""
    parts = [
        [
            document.title,
            document.doc_number,
            document.issuer,
            document.date,
            "\n".join(
                " ".join(line.split()) for line in document.text.splitlines() if line.strip()
            ),
        ]
        for document in documents
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _notice_keys(document: Document) -> list[tuple[str, str]]:
    """What names a notice: its 文号 and its title (spaces and bracket shapes aside)."""
    if not document.is_notice:
        return []
    keys = []
    number = "".join(document.doc_number.split()).translate(_BRACKETS)
    if number:
        keys.append(("文号", number))
    title = "".join(document.title.split())
    if len(title) >= 8:  # a real title, not 「通知」
        keys.append(("标题", title))
    return keys


def notices_text(documents: Iterable[Document]) -> str:
    """The cleaned text of these documents' notices, one after another (a page's own blurb
    aside)."""
    return "\n".join(document.text for document in documents if document.is_notice)


def _brief(document: Document) -> dict[str, str]:
    return {"title": document.title, "doc_number": document.doc_number, "date": document.date}


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


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

    SUFFIXES = SUPPORTED_SUFFIXES  # the notice files it reads

    def __init__(self, cache_dir: Path, extra_notice_dir: Path | None, analyzer: Analyzer):
        self.cache_dir = cache_dir
        self.extra_notice_dir = extra_notice_dir
        self.analyzer = analyzer
        self._curated: list[tuple[int, str, str]] = []
        self._curated_keys: list[str] = []
        # The bot asks on its event loop while an upload is ingested in a worker thread:
        # questions never see half-installed state, and uploads are ingested one at a time.
        self._state_lock = threading.RLock()
        self._ingest_lock = threading.RLock()
        self._state: _State
        self._ranker: Ranker
        # The notices folder as the current index saw it, and as last looked at: another
        # process (`guopei-bot ingest`, `remove`) may change it while this one serves.
        self._loaded_signature: tuple | None = None
        self._seen_signature: tuple | None = None
        self._checked_at = 0.0
        self._folder_stamp: tuple[int, int] | None = None
        self._watcher: threading.Thread | None = None
        self._stop_watching = threading.Event()
        self._live_notices: tuple[_State, _LiveNotices] | None = None

    @classmethod
    def open(cls, cache_dir: Path, extra_notice_dir: Path | None = None) -> KnowledgeBase:
        """Load the cached index for the current notices, building it if they changed."""
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        if extra_notice_dir is not None:
            extra_notice_dir = Path(extra_notice_dir)
            extra_notice_dir.mkdir(parents=True, exist_ok=True)
        kb = cls(cache_dir, extra_notice_dir, Analyzer(cache_dir))
        with kb._disk_lock():
            kb._load_or_build()
        return kb

    # ----- building and caching -------------------------------------------------------------

    def source_files(self) -> list[Path]:
        """Built-in notices followed by uploaded ones."""
        hidden = self.hidden_files()
        files = [path for path in builtin_corpus_files() if path.name not in hidden]
        return files + self._uploaded_files()

    def _uploaded_files(self) -> list[Path]:
        if self.extra_notice_dir is None or not self.extra_notice_dir.is_dir():
            return []
        return sorted(
            path
            for path in self.extra_notice_dir.iterdir()
            if path.is_file()
            and path.suffix.lower() in SUPPORTED_SUFFIXES
            and not path.name.startswith(".")
        )

    def hidden_files(self) -> set[str]:
        """Names of the shipped notices an admin removed (kept in the package, not answered)."""
        if self.extra_notice_dir is None:
            return set()
        try:
            text = (self.extra_notice_dir / HIDDEN_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return set()
        return {line.strip() for line in text.splitlines() if line.strip()}

    def _write_hidden(self, names: set[str]) -> None:
        assert self.extra_notice_dir is not None
        target = self.extra_notice_dir / HIDDEN_FILE
        temporary = target.with_name(f"{HIDDEN_FILE}.{os.getpid()}.tmp")
        temporary.write_text("".join(f"{name}\n" for name in sorted(names)), encoding="utf-8")
        os.replace(temporary, target)

    # ----- other processes: a lock, and noticing what they changed ---------------------------

    @contextmanager
    def _disk_lock(self) -> Iterator[None]:
        """Held while notices or the cache change (and while reloading): `guopei-bot ingest`
        and a running bot never see each other's half-written notices or index."""
        with open(self.cache_dir / LOCK_FILE, "a+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _disk_signature(self) -> tuple:
        """(name, size, mtime) of each uploaded notice and of the hidden list: a few stat
        calls, so it can be looked at before answering."""
        folder = self.extra_notice_dir
        if folder is None:
            return ()
        entries = []
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    name = entry.name
                    wanted = name == HIDDEN_FILE or (
                        not name.startswith(".")
                        and os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES
                    )
                    if wanted:
                        status = entry.stat()
                        entries.append((name, status.st_size, status.st_mtime_ns))
        except OSError:  # the folder or a file went away while looking: look again later
            return ("unreadable", time.monotonic())
        return tuple(sorted(entries))

    def changed(self) -> bool:
        """True when the notices on disk differ from those answered from (another process
        added or removed one). Two stats each time (a file added, removed or renamed changes
        the folder's mtime; hiding one rewrites .hidden); the whole folder is listed when they
        moved, and at most once a second otherwise (a file rewritten in place)."""
        now = time.monotonic()
        stamp = self._folder_stamps()
        if stamp != self._folder_stamp or now - self._checked_at >= CHECK_SECONDS:
            self._folder_stamp = stamp
            self._checked_at = now
            self._seen_signature = self._disk_signature()
        return self._seen_signature != self._loaded_signature

    def _folder_stamps(self) -> tuple[int, int]:
        """The mtimes of the uploaded notices' folder and of its .hidden list (0 if absent)."""
        folder = self.extra_notice_dir
        if folder is None:
            return (0, 0)
        stamps = []
        for path in (folder, folder / HIDDEN_FILE):
            try:
                stamps.append(os.stat(path).st_mtime_ns)
            except OSError:
                stamps.append(0)
        return (stamps[0], stamps[1])

    def refresh(self) -> bool:
        """Reload the index if the notices on disk changed (from the cache the other process
        wrote, or rebuilt); True when it did. Questions meanwhile are answered from the
        previous index, never from a half-loaded one."""
        with self._ingest_lock, self._disk_lock():
            return self._refresh_locked()

    def _refresh_locked(self) -> bool:
        signature = self._disk_signature()
        self._seen_signature = signature
        if signature == self._loaded_signature:
            return False
        try:
            self._load_or_build()
        except OSError as error:  # a file removed by hand while reading: try again later
            log.warning("notices changed on disk, reload failed: %s", error)
            return False
        log.info("notices changed on disk: index reloaded (%s)", self.stats())
        return True

    def watch(self, seconds: float = CHECK_SECONDS) -> None:
        """Reload in a background thread whenever the notices on disk change, so what does not
        ask (deadlines, statistics) is current too."""
        if self._watcher is not None:
            return
        stop = self._stop_watching = threading.Event()

        def loop() -> None:
            while not stop.wait(seconds):
                try:
                    if self.changed():
                        self.refresh()
                except Exception:  # keep watching; the next change tries again
                    log.exception("reloading the changed notices failed")

        self._watcher = threading.Thread(target=loop, name="kb-watch", daemon=True)
        self._watcher.start()

    def unwatch(self) -> None:
        """Stop the thread `watch()` started."""
        if self._watcher is not None:
            self._stop_watching.set()
            self._watcher.join(timeout=5)
            self._watcher = None

    def _fingerprint(self, files: list[Path]) -> str:
        digest = hashlib.sha256(CODE_VERSION.encode())
        digest.update(resource_fingerprint().encode())
        for path in files:
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()[:20]

    def _load_or_build(self) -> None:
        signature = self._disk_signature()  # before reading: a later change is seen later
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
        self._loaded_signature = self._seen_signature = signature

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
        temporary_index = index_path.with_name(f"{index_path.stem}.{os.getpid()}.tmp.npz")
        state.index.save(temporary_index)
        os.replace(temporary_index, index_path)
        temporary_meta = meta_path.with_suffix(f".{os.getpid()}.tmp")
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
        # A clause binding only a class or region the question does not name gives way to a
        # general one close to it, and is never a sure answer (knowledge/scope.py).
        hits, confident = prefer_general(question, ranking.hits, ranking.confident)
        if curated:
            # Clauses the ranking is unsure of would sit under the manager's answer as if they
            # backed it up.
            hits = hits if confident and not ranking.reason else []
            return Answer(question, True, hits, None, curated[2], curated[0], True)
        if ranking.reason:
            return Answer(question=question, answered=False, reason=ranking.reason)
        return Answer(question, True, hits, confident=confident)

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
        """The curated (id, question, answer) to serve by itself for `text`: its words alike
        (token_set_ratio ≥ CURATED_MIN_SCORE; under 100 the text alike too), the same content
        words; of several, the most alike as written."""
        if not self._curated:
            return None
        key = self._curated_key(text)
        if not key:
            return None
        found = process.extract(
            key,
            self._curated_keys,
            scorer=fuzz.token_set_ratio,
            score_cutoff=CURATED_MIN_SCORE,
            limit=None,
        )
        content = self._content_words(text)
        matches = []
        for _, score, index in found:
            candidate = self._curated[index]
            plain = fuzz.ratio(text, normalize(candidate[1]))
            if score < 100 and plain < 60:
                continue
            if self._content_words(normalize(candidate[1])) == content:
                matches.append((score, plain, -index, candidate))
        return max(matches, key=lambda match: match[:3])[3] if matches else None

    def _content_words(self, text: str) -> set[str]:
        """The words of `text` that say much (see CURATED_CONTENT_WEIGHT), synonyms folded."""
        analyzer = self.analyzer
        return {
            analyzer.fold_word(word)
            for word in analyzer.words(text)
            if analyzer.informativeness(word) >= CURATED_CONTENT_WEIGHT
        }

    def nearest_curated(
        self, question: str, *, min_score: float, exclude: Collection[int] = ()
    ) -> tuple[int, str, str, float] | None:
        """The curated (id, question, answer, score) closest to `question`, if it scores at
        least `min_score` (0–100), leaving out the ids in `exclude`; for a person to choose
        from, so it may be looser than the match `ask` serves by itself.

        Both questions are reduced as that match reduces them (`normalize`, then their
        distinct words, sorted) and compared with rapidfuzz's `token_sort_ratio`, by
        characters: a missing or extra word costs what its length does, and unlike the
        `token_set_ratio` of that match, a question that shares only some of a curated one's
        words (「食堂在几楼」 beside 「食堂几点开饭」) does not score 100."""
        key = self._curated_key(normalize(question))
        if not key:
            return None
        with self._state_lock:
            curated, keys = self._curated, self._curated_keys
        left_out = set(exclude)
        choices = {n: k for n, k in enumerate(keys) if curated[n][0] not in left_out}
        found = process.extractOne(
            key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=min_score
        )
        if found is None:
            return None
        curated_id, curated_question, answer = curated[found[2]]
        return curated_id, curated_question, answer, float(found[1])

    # ----- notices -------------------------------------------------------------------------------

    def ingest(
        self,
        paths: list[Path],
        on_progress: Callable[[Path], None] | None = None,
        skip_bad: bool = False,
        *,
        on_same: str = "keep",
        replace: Collection[str] = (),
    ) -> list[IngestReport]:
        """Add notice files to extra_notice_dir and rebuild; a bad file is never half-added.

        With skip_bad=False the first bad file raises IngestError and nothing is added;
        with skip_bad=True bad files get a report with `error` set and the rest are added.
        A file whose cleaned text equals a stored notice's gets `duplicate_of` and is not added.
        A file holding a notice with the 文号 or title of a stored one gets `same_as` (the
        stored files): `on_same` "keep" adds it beside them, "ask" holds it back (`held`)
        for the caller to decide, "replace" retires them. `replace` names stored files to
        retire once these are added (the caller's decision on a held file).
        """
        if self.extra_notice_dir is None:
            raise IngestError("没有配置上传通知的保存目录（extra_notice_dir）")
        if on_same not in SAME_POLICIES:
            raise ValueError(f"on_same must be one of {SAME_POLICIES}")
        with self._ingest_lock, self._disk_lock():
            self._refresh_locked()  # what another process added meanwhile counts too
            return self._ingest(list(map(Path, paths)), on_progress, skip_bad, on_same, replace)

    def _ingest(
        self,
        paths: list[Path],
        on_progress: Callable[[Path], None] | None,
        skip_bad: bool,
        on_same: str,
        replace: Collection[str],
    ) -> list[IngestReport]:
        parsed: list[tuple[Path, str, ParsedFile]] = []
        reports: list[IngestReport] = []
        sources = self.source_files()
        current = {source.name for source in sources}
        missing = [name for name in replace if name not in current]
        if missing:
            raise IngestError(f"要替换的通知 {'、'.join(missing)} 已经不在知识库里了")
        retire = list(dict.fromkeys(replace))
        known = {_readable_digest(source): source.name for source in sources}
        state = self._state
        by_file: dict[str, list[Document]] = {}
        for document in state.documents:
            by_file.setdefault(document.file, []).append(document)
        contents = {_content_key(documents): name for name, documents in by_file.items()}
        named: dict[tuple[str, str], set[str]] = {}
        for name, documents in by_file.items():
            for document in documents:
                for key in _notice_keys(document):
                    named.setdefault(key, set()).add(name)
        # Uploads are often all called 通知.docx: a new notice never takes the name (or the
        # stem, which names its passages) of another, shipped ones removed included.
        shipped = builtin_corpus_files()
        taken = {source.stem.casefold() for source in shipped + sources}
        # An uploaded notice being replaced frees its name (it is moved away first).
        taken -= {
            Path(name).stem.casefold() for name in replace if name not in {p.name for p in shipped}
        }
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
                report = result.report
                report.path = str(path)
                content = _content_key(result.documents)
                duplicate_of = duplicate_of or contents.get(content)
                report.notices = [
                    _brief(document) for document in result.documents if document.is_notice
                ]
                same = sorted(
                    {
                        other
                        for document in result.documents
                        for key in _notice_keys(document)
                        for other in named.get(key, ())
                    }
                )
                if duplicate_of:
                    report.duplicate_of = duplicate_of
                    report.documents = []
                    report.passages = 0
                elif same and on_same == "ask" and not set(same) <= set(replace):
                    report.same_as = same
                    report.held = True
                    report.documents = []
                    report.passages = 0
                else:
                    report.same_as = same
                    if on_same == "replace":
                        retire += [other for other in same if other not in retire]
                    report.stored_as = name
                    taken.add(Path(name).stem.casefold())
                    known[digest] = name
                    contents[content] = name
                    for document in result.documents:
                        for key in _notice_keys(document):
                            named.setdefault(key, set()).add(name)
                    parsed.append((path, name, result))
                reports.append(report)
            if on_progress:
                on_progress(path)
        if not parsed:
            return reports
        for report in reports:
            if report.stored_as:
                report.replaced = [n for n in retire if n in report.same_as or n in replace]
        undo: list[Callable[[], None]] = []
        try:
            for name in retire:
                undo.append(self._retire(name))
            stored = []
            try:
                for path, name, _ in parsed:
                    self._store_notice(path, name)
                    stored.append(name)
            except BaseException:
                for name in stored:  # all or nothing: the old notices come back
                    (self.extra_notice_dir / name).unlink(missing_ok=True)  # type: ignore[operator]
                for step in reversed(undo):
                    step()
                raise
        finally:
            self._load_or_build()
        return reports

    def _retire(self, name: str) -> Callable[[], None]:
        """Stop answering from the stored file `name`: an uploaded one is moved into
        REMOVED_DIR, a shipped one is listed as hidden. Returns how to undo it."""
        assert self.extra_notice_dir is not None
        uploaded = self.extra_notice_dir / name
        if name and "/" not in name and uploaded.is_file() and not name.startswith("."):
            folder = self.extra_notice_dir / REMOVED_DIR
            folder.mkdir(exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            target = folder / f"{stamp}-{name}"
            os.replace(uploaded, target)
            return lambda: os.replace(target, uploaded)
        if name in {path.name for path in builtin_corpus_files()}:
            hidden = self.hidden_files()
            self._write_hidden(hidden | {name})
            return lambda: self._write_hidden(hidden)
        raise IngestError(f"知识库里没有名为「{name}」的通知文件")

    def remove(self, names: Collection[str]) -> list[str]:
        """Stop answering from these stored files at once (see `notice_files()` for the
        names): uploaded ones are moved into the notices folder's REMOVED_DIR, shipped ones
        hidden (`restore` brings either back). IngestError, and nothing changed, when a name
        is not a current notice file."""
        if self.extra_notice_dir is None:
            raise IngestError("没有配置上传通知的保存目录（extra_notice_dir）")
        with self._ingest_lock, self._disk_lock():
            self._refresh_locked()
            current = {source.name for source in self.source_files()}
            missing = [name for name in names if name not in current]
            if missing:
                raise IngestError(f"知识库里没有名为「{'、'.join(missing)}」的通知文件")
            undo: list[Callable[[], None]] = []
            try:
                for name in dict.fromkeys(names):
                    undo.append(self._retire(name))
            except BaseException:
                for step in reversed(undo):
                    step()
                raise
            finally:
                self._load_or_build()
        return list(dict.fromkeys(names))

    def restore(self, name: str, *, force: bool = False) -> str:
        """Bring back a removed notice: a hidden shipped one, or the latest removed upload of
        that name (under a free name if the name is taken meanwhile). Returns its name.
        Checked as an upload is (`restore_match`): RestoreRefused, and nothing changed, when a
        live file has its content, or (unless `force`) one of its 文号 or titles; NotRemoved
        when nothing of that name is removed but a live file has it."""
        if self.extra_notice_dir is None:
            raise IngestError("没有配置上传通知的保存目录（extra_notice_dir）")
        with self._ingest_lock, self._disk_lock():
            self._refresh_locked()
            match = self.restore_match(name)
            if match is not None and (match.duplicate_of or (match.same_as and not force)):
                raise RestoreRefused(name, match)
            hidden = self.hidden_files()
            if name in hidden:
                self._write_hidden(hidden - {name})
                self._load_or_build()
                return name
            removed = self._latest_removed(name)
            if removed is None:
                if name in {path.name for path in self.source_files()}:
                    raise NotRemoved(name)
                raise IngestError(f"没有找到已删除的通知「{name}」")
            taken = {path.stem.casefold() for path in builtin_corpus_files() + self.source_files()}
            restored = _free_name(name, taken)
            target = self.extra_notice_dir / restored
            os.link(removed, target)
            removed.unlink()
            self._load_or_build()
            return restored

    def _latest_removed(self, name: str) -> Path | None:
        """The latest removed upload named `name`, the one `restore` brings back."""
        assert self.extra_notice_dir is not None
        folder = self.extra_notice_dir / REMOVED_DIR
        removed = sorted(folder.glob(f"*-{glob.escape(name)}")) if folder.is_dir() else []
        removed = [path for path in removed if path.name.split("-", 3)[-1] == name]
        return removed[-1] if removed else None

    def restore_match(self, name: str) -> LiveMatch | None:
        """`live_matches` for what `restore(name)` would bring back; None when nothing of that
        name is removed or it cannot be read (restoring it is then not refused for a match)."""
        if self.extra_notice_dir is None:
            return None
        if name in self.hidden_files():
            path = next((path for path in builtin_corpus_files() if path.name == name), None)
        else:
            path = self._latest_removed(name)
        if path is None:
            return None
        try:
            return self.live_matches(path, name)
        except (IngestError, OSError):
            return None

    def removed_files(self) -> list[dict]:
        """What `restore` can bring back: the removed uploads, latest removal first (a name
        removed twice is listed twice; `restore` takes its latest), then the hidden shipped
        notices; each {"name" (for `restore`), "shipped", "path", "removed_at" (ISO local
        time, "" for a shipped one)}."""
        folder = None if self.extra_notice_dir is None else self.extra_notice_dir / REMOVED_DIR
        paths = sorted(folder.iterdir(), reverse=True) if folder and folder.is_dir() else []
        entries = []
        for path in paths:  # named by `_retire`: <%Y%m%d-%H%M%S-%f>-<name>
            parts = path.name.split("-", 3)
            try:
                when = datetime.strptime("-".join(parts[:3]), "%Y%m%d-%H%M%S-%f")
            except ValueError:
                continue
            if len(parts) == 4 and parts[3] and path.is_file():
                at = when.isoformat(timespec="seconds")
                entries.append(
                    {"name": parts[3], "shipped": False, "path": path, "removed_at": at}
                )
        shipped = {path.name: path for path in builtin_corpus_files()}
        for name in sorted(self.hidden_files() & shipped.keys()):
            entries.append(
                {"name": name, "shipped": True, "path": shipped[name], "removed_at": ""}
            )
        return entries

    def live_matches(self, path: Path, name: str) -> LiveMatch:
        """How a removed notice file (`path`, read as `name`, as in `removed_files()`) stands
        against the files answered from now, by the checks `ingest` makes on an upload: the
        live file with the same bytes or the same cleaned text (`duplicate_of`), and the live
        files holding a notice with one of its 文号 or titles (`same_as`). Changes nothing;
        IngestError (or OSError) when the file cannot be read. Each version of a file is read
        once (a page of the removed list compares each of them with every live file)."""
        documents = parsed_documents(Path(path), name)
        live = self._live()
        digest = _current_digest(Path(path))
        duplicate_of = None
        if digest:
            duplicate_of = next(
                (
                    source.name
                    for source in self.source_files()
                    if source.name in live.keys and _current_digest(source) == digest
                ),
                None,
            )
        if duplicate_of is None:
            duplicate_of = live.contents.get(_content_key(documents))
        keys = {key for document in documents for key in _notice_keys(document)}
        same_as = sorted(
            other
            for other, its_keys in live.keys.items()
            if other != duplicate_of and its_keys & keys
        )
        return LiveMatch(duplicate_of=duplicate_of, same_as=same_as)

    def live_text(self, name: str) -> str:
        """The cleaned text of the notices in the live file `name` ("" for none), to compare
        with a removed version's (`notices_text`)."""
        return notices_text(d for d in self._state.documents if d.file == name)

    def _live(self) -> _LiveNotices:
        """The current index's `_LiveNotices`, worked out on first use after each rebuild."""
        state = self._state
        cached = self._live_notices
        if cached is None or cached[0] is not state:
            by_file: dict[str, list[Document]] = {}
            for document in state.documents:
                by_file.setdefault(document.file, []).append(document)
            contents: dict[str, str] = {}
            for other, documents in by_file.items():
                contents.setdefault(_content_key(documents), other)
            keys = {
                other: {key for document in documents for key in _notice_keys(document)}
                for other, documents in by_file.items()
            }
            cached = self._live_notices = (state, _LiveNotices(contents=contents, keys=keys))
        return cached[1]

    def notice_files(self) -> list[dict]:
        """The files answered from: uploaded ones (newest first), then shipped ones; each
        {"name", "shipped", "notices": [{"title", "doc_number", "date"}], "passages",
        "error"} (`error` for a file that could not be read)."""
        state = self._state
        notices: dict[str, list[dict]] = {}
        passages: dict[str, int] = {}
        file_of = {document.doc_id: document.file for document in state.documents}
        for document in state.documents:
            entry = notices.setdefault(document.file, [])
            if document.is_notice:
                entry.append(_brief(document))
        for passage in state.passages:
            name = file_of.get(passage.doc_id, "")
            passages[name] = passages.get(name, 0) + 1
        errors = {Path(report.path).name: report.error for report in state.reports if report.error}
        uploaded = self._uploaded_files()
        uploaded.sort(key=lambda path: _mtime(path), reverse=True)
        hidden = self.hidden_files()
        shipped = [path for path in builtin_corpus_files() if path.name not in hidden]
        return [
            {
                "name": path.name,
                "shipped": path in shipped,
                "notices": notices.get(path.name, []),
                "passages": passages.get(path.name, 0),
                "error": errors.get(path.name),
            }
            for path in uploaded + shipped
        ]

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
                f"知识库里刚刚有人存入了同名文件 {name}，这份通知没有加入，请再导入一次", str(path)
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
