"""A select that offers fewer choices than it accepts.

Kinds the rules always refuse (valuables: cash, food, flammable goods) are not worth a
clerk's click, so the form does not offer them; the field still accepts them, so a value
sent anyway reaches the server's rule and gets the rule's own message instead of a bare
"not a valid choice"."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice


class OfferedSelectField(SelectField):
    def __init__(self, *args: Any, offered: Iterable[str] = (), **kwargs: Any) -> None:
        kwargs["choices"] = [SelectChoice(value=v, label=label)
                             for v, label in kwargs.get("choices") or ()]
        super().__init__(*args, **kwargs)
        self.offered = frozenset(offered)

    def iter_choices(self) -> Iterator[tuple]:
        """Render the offered choices (and the stored value, so an old record shows it)."""
        for choice in super().iter_choices():
            if choice.value in self.offered or choice.selected:
                yield choice
