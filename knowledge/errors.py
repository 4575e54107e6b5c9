"""Error types raised by the knowledge library."""


class IngestError(Exception):
    """A notice file could not be ingested; the message says why, in Chinese."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message

    @property
    def sentence(self) -> str:
        """The reason as a sentence, ending in 「。」 (or its own ？！): another may follow."""
        return self.reason if self.reason.endswith(("。", "？", "！")) else self.reason + "。"
