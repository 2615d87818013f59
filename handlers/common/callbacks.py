"""Field types for CallbackData: a forged value that does not fit fails to unpack, and the
button is answered as out of date instead of reaching a service or the database."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Page = Annotated[int, Field(ge=0, le=10_000)]
