"""Knowledge base of 国培计划 notices: ingestion and cleaning, BM25 search, and deadlines.

A library usable on its own (no bot or database imports)::

    from knowledge import KnowledgeBase
    kb = KnowledgeBase.open(cache_dir, extra_notice_dir)
    answer = kb.ask("参训教师年龄有什么要求")
"""

from knowledge.errors import IngestError
from knowledge.kb import KnowledgeBase
from knowledge.models import Answer, Deadline, Hit, IngestReport, clause_label

__all__ = [
    "Answer",
    "Deadline",
    "Hit",
    "IngestError",
    "IngestReport",
    "KnowledgeBase",
    "clause_label",
]
